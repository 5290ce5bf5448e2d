"""The Posts pages (plans/views/posts.py), at /posts/ so no plan's slug can take them."""

from django.urls import path

from plans.views import posts

app_name = "posts"
urlpatterns = [
    path("", posts.post_list, name="index"),
    path("<int:pk>/", posts.post_detail, name="detail"),
    path("<int:pk>/merge/", posts.post_merge, name="merge"),
]
