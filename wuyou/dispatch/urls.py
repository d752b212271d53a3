from django.urls import path

from . import views

urlpatterns = [
    path("settings/", views.settings_page, name="dispatch_settings"),
    path("clusters/", views.cluster_list, name="dispatch_clusters"),
    path("clusters/<int:pk>/", views.cluster_detail, name="dispatch_cluster"),
    path("clusters/<int:pk>/<str:action>/", views.cluster_act, name="dispatch_cluster_act"),
    path("similar/", views.similar_intake, name="dispatch_similar"),
]
