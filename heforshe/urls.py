from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from heforshe import views

admin.site.site_header = _("HeForShe administration")
admin.site.site_title = _("HeForShe admin")
admin.site.index_title = _("Campaign administration")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("heforshe.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Providers' tracking webhooks (bounces, complaints), authenticated by anymail.
    path("anymail/", include("anymail.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("", include("pledges.urls")),
    path("stories/", include("stories.urls")),
    path("partners/", include("partners.urls")),
    path("action-kits/", include("actionkits.urls")),
    path("newsletters/", include("newsletters.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "heforshe.views.bad_request"
handler403 = "heforshe.views.permission_denied"
handler404 = "heforshe.views.page_not_found"
handler500 = "heforshe.views.server_error"
