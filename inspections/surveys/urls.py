from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:qid>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:qid>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/questions/<int:qid>/move/", views.question_move, name="question_move"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/copy/", views.survey_copy, name="copy"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/report/", views.survey_report, name="report"),
    path("<int:pk>/posters/", views.survey_posters, name="posters"),
    path("<int:pk>/links/<int:link_id>/", views.link_detail, name="link"),
    path("<int:pk>/links/<int:link_id>/poster.pdf", views.link_poster, name="link_poster"),
    path("<int:pk>/links/<int:link_id>/codes/", views.link_codes_print, name="link_codes"),
    path("<int:pk>/links/<int:link_id>/codes.xlsx", views.link_codes_xlsx, name="link_codes_xlsx"),
    # Public (no login): the questionnaire a QR poster points to.
    path("q/<str:token>/", views.answer, name="answer"),
    path("q/<str:token>/done/", views.answer_done, name="answer_done"),
]
