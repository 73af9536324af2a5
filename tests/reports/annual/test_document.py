"""The printed year-end summary: its text read back with pdftotext, compared with the data."""
import datetime as dt

import pytest

from reports.annual.document import annual_summary_pdf, summary_or_draft
from reports.annual.models import AnnualSummary
from reports.annual.selectors import annual_figures
from reports.annual.services import annual_summary_save
from tests.reports.pdf_tools import pdf_fonts, pdf_page_texts, pdf_text

from .factories import year_built

pytestmark = pytest.mark.django_db


def _printed(summary, tmp_path):
    path = tmp_path / "summary.pdf"
    path.write_bytes(annual_summary_pdf(summary))
    return path


def test_the_printed_summary_says_the_years_figures_in_the_seeds_words(world, tmp_path):
    data = year_built(world)
    office = world["county_a"]
    summary = annual_summary_save(office=office, year=data["year"], zone=None, user=world["director_a"],
                                  blocks={}, until=data["cutoff"])

    path = _printed(summary, tmp_path)
    text = pdf_text(path)

    fig = annual_figures(office=office, year=data["year"], until=data["cutoff"])
    assert f"{office.name}{data['year']}年度工作总结" in text
    assert f"截至10月31日,我县责任督学入校督导共{fig.person_visits}人次,督导学校{fig.school_visits}校次" in text
    assert f"提交月总结报告{fig.monthly_summaries}份,发现共有{fig.schools_with_problems}所学校存在问题{fig.problems}个" in text
    assert "全年各类督导共发现问题3个,学校完成整改并提交整改报告1份,复查销号1个,整改率33.3%" in text
    # As at 31 October T2 (closed 5 November) is still open: both open tickets are past their deadline.
    assert "按期整改率33.3%;逾期整改0个,逾期未整改2个" in text and "依次督办1次、通报0次" in text
    assert "一、扎实开展责任督学经常性督导" in text and "二、狠抓问题整改落实" in text
    assert f"{data['year'] + 1}年工作计划" in text
    # Signed by the office on the cut-off date, and page numbers in the official style.
    assert f"{office.name}{data['year']}年10月31日" in text
    pages = pdf_page_texts(path)
    assert pages[0].endswith("—1—")
    # Annex: the per-zone table (a moved school counts in both zones) and the 12-month trend.
    assert "城区第一责任区3223" in text and "乡镇第一责任区1111" in text
    assert "1月2月3月4月5月6月7月8月9月10月11月12月" in text


def test_the_document_uses_the_song_and_hei_style_noto_faces_embedded_as_subsets(world, tmp_path):
    data = year_built(world)
    path = _printed(summary_or_draft(office=world["county_a"], year=data["year"], zone=None), tmp_path)

    fonts = {font["name"].split("+", 1)[1]: font for font in pdf_fonts(path)}
    assert set(fonts) == {"Noto-Serif-CJK-SC-Bold", "Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"}
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts.values())


def test_the_directors_words_are_printed_with_live_figures(world, tmp_path):
    data = year_built(world)
    summary = annual_summary_save(
        office=world["county_a"], year=data["year"], zone=None, user=world["director_a"], until=data["cutoff"],
        blocks={"loop": "今年督学们走进学校{人次}人次,其中联合督导也照实计算。", "plan": "明年继续全覆盖。"},
    )

    text = pdf_text(_printed(summary, tmp_path))

    assert "今年督学们走进学校4人次,其中联合督导也照实计算。" in text
    assert "明年继续全覆盖。" in text
    assert "我县责任督学入校督导共" not in text  # the drafted loop text was replaced


def test_a_zone_summary_is_signed_by_the_zone_and_has_no_office_only_sections(world, tmp_path):
    data = year_built(world)
    summary = annual_summary_save(office=world["county_a"], year=data["year"], zone=world["zone_a1"],
                                  user=world["sup_a1"].user, blocks={}, until=data["cutoff"])

    text = pdf_text(_printed(summary, tmp_path))

    assert f"城区第一责任区{data['year']}年度工作总结" in text
    assert "本责任区责任督学入校督导共3人次,督导学校2校次,覆盖学校2所(共3所)" in text
    assert "各责任区情况" not in text
    assert f"{world['county_a'].name}城区第一责任区{data['year']}年10月31日" in text


def test_an_unknown_placeholder_is_refused_with_a_clear_message_and_nothing_is_saved(world):
    data = year_built(world)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        annual_summary_save(office=world["county_a"], year=data["year"], zone=None, user=world["director_a"],
                            blocks={"loop": "入校督导{人数}人次", "plan": "计划{次年"})

    errors = refused.value.message_dict
    assert errors["loop"] == ["未知的数据占位符:{人数}。可用的占位符见右侧“可用数据”。"]
    assert errors["plan"] == ["花括号不成对:数据占位符应写成 {人次} 的形式。"]
    assert not AnnualSummary.objects.exists()

    with pytest.raises(ValidationError) as outside:
        annual_summary_save(office=world["county_a"], year=data["year"], zone=None, user=world["director_a"],
                            blocks={}, until=dt.date(data["year"] + 1, 1, 5))
    assert outside.value.message_dict["until"] == [f"截至日期应在{data['year']}年内。"]
