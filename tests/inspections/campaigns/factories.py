"""Campaigns built through the services, as an office admin and a team member would."""
import datetime as dt

from django.utils import timezone

from inspections.visits import services as inspection_services
from inspections.campaigns import services
from inspections.campaigns.choices import CampaignTopic, SchoolSelection
from inspections.models.choices import Conclusion


def campaign_made(world, *, schools=("a1", "a3"), team=("sup_a1",), leader="sup_a1", topic=CampaignTopic.SHUANGJIAN,
                  start=None, end=None, **kwargs):
    today = timezone.localdate()
    options = {"selection": SchoolSelection.CHOSEN, "schools": [world["schools"][s] for s in schools]}
    options.update(kwargs)
    return services.campaign_create(
        office=world["county_a"], actor=world["admin_a"], topic=topic, title=options.pop("title", ""),
        start=start or today - dt.timedelta(days=3), end=end or today + dt.timedelta(days=10),
        leader=world[leader], team=[world[t] for t in team], **options,
    )


def special_visit_filled(campaign, *, user, school, problems: int = 0, submit: bool = True, date=None):
    """A special visit as a team member fills it: ``problems`` items get a finding each, the rest 无问题."""
    visit = services.campaign_visit_start(
        campaign=campaign, user=user, school=school, date=date or timezone.localdate(), methods=["campus_walk"]
    )
    answers = list(visit.checklist.answers.all())
    for n, answer in enumerate(answers[:problems], start=1):
        inspection_services.problem_add(answer=answer, user=user, description=f"专项问题{n}", opinion="限期整改")
    if submit:
        for answer in answers[problems:]:
            inspection_services.answer_save(answer=answer, user=user, conclusion=Conclusion.OK)
        inspection_services.checklist_submit(checklist=visit.checklist, user=user)
    return visit
