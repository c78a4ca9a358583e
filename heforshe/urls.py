from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from commitments import urls as commitments_urls
from giving import views as giving_views
from heforshe import views
from heforshe.forms import AdminLoginForm
from heforshe.lib.admin import harden_site
from newsletters import webhooks as newsletter_webhooks

admin.site.site_header = _("HeForShe administration")
admin.site.site_title = _("HeForShe admin")
admin.site.index_title = _("Campaign administration")
# The sidebar takes a quarter of a 1280 px screen from every list; the index and breadcrumbs navigate instead.
admin.site.enable_nav_sidebar = False
# Failed admin sign-ins count against allauth's login limits (heforshe.forms.AdminLoginForm).
admin.site.login_form = AdminLoginForm
# Hostile query strings and action posts get the admin's error paths on every model, not a 500.
harden_site(admin.site)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", views.favicon, name="favicon"),
    # Before admin.site.urls: the same path, answering 429 with Retry-After once the limits are reached.
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("heforshe.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Providers' tracking webhooks (bounces, complaints), authenticated by anymail.
    path("anymail/<slug:esp>/tracking/", newsletter_webhooks.tracking, name="anymail_tracking"),
    path("embed/", include((commitments_urls.embed_urlpatterns, "embed"))),
    # Payment provider webhooks: no language prefix, no CSRF (the signature is the check).
    path("giving/webhooks/<str:provider>/", giving_views.webhook, name="giving_webhook"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("", include("pledges.urls")),
    path("stories/", include("stories.urls")),
    path("partners/", include("commitments.urls")),
    path("partners/", include("partners.urls")),
    path("action-kits/", include("actionkits.urls")),
    path("solutions/", include("solutions.urls")),
    path("newsletters/", include("newsletters.urls")),
    path("give/", include("giving.urls")),
    path("champions/", include("champions.urls")),
    path("events/", include("events.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Under /api/ these answer JSON in the API's error shape, elsewhere the site's pages.
handler400 = "heforshe.api_errors.bad_request"
handler403 = "heforshe.api_errors.permission_denied"
handler404 = "heforshe.api_errors.page_not_found"
handler500 = "heforshe.api_errors.server_error"
# Not read by Django itself: allauth answers its rate limits with this view.
handler429 = "heforshe.views.too_many_requests"
