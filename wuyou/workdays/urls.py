from django.urls import path

from wuyou.workdays import views

urlpatterns = [
    path("", views.calendar_home, name="calendar_home"),
    path("import/", views.calendar_import, name="calendar_import"),
    path("import/template.xlsx", views.calendar_template, name="calendar_template"),
    path("<int:year>/", views.calendar_year, name="calendar_year"),
]
