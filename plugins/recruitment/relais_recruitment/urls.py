from relais_recruitment.volunteer_time_urls import urlpatterns as time_urlpatterns

urlpatterns = []
urlpatterns += time_urlpatterns  # volunteer time, valorisation, retention
