from relais_community.talk_urls import urlpatterns as talk_urlpatterns

urlpatterns = [*talk_urlpatterns]
