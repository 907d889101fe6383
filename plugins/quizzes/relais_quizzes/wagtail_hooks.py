import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet

from lms.plugins.dashboard import DashboardAction
from lms.plugins.menu import REPORTS, MenuLink
from lms.snippets import OrganisationSnippetViewSet
from relais_quizzes import admin_views
from relais_quizzes.blocks import QuizBlock
from relais_quizzes.models import Question, QuestionCategory, Quiz
from relais_quizzes.types import question_types


class CategoryViewSet(OrganisationSnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["__str__", Column("question_count", label=_("Questions"))]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("parent__parent__parent")
            .annotate(question_count=Count("questions"))
        )


def _categories(request):
    return QuestionCategory.objects.for_organisation(request.organisation)


class QuestionFilters(WagtailFilterSet):
    """Filters offering only this organisation's categories and tags."""

    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=_categories
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=[(name, kind.label) for name, kind in question_types().items()],
    )
    tags = django_filters.CharFilter(
        label=_("Tag"), field_name="tags__name", lookup_expr="iexact"
    )

    class Meta:
        model = Question
        fields = ["category", "type", "tags"]


class QuestionViewSet(OrganisationSnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = [
        "name",
        Column("type_label", label=_("Type")),
        Column("category", label=_("Category")),
        Column("updated_at", label=_("Updated")),
    ]
    filterset_class = QuestionFilters
    search_fields = ["name", "prompt"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category__parent")


class QuizViewSet(OrganisationSnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", Column("pass_mark", label=_("Pass mark (%)"))]


categories, questions, quizzes = CategoryViewSet(), QuestionViewSet(), QuizViewSet()
for viewset in (categories, questions, quizzes):
    register_snippet(viewset)


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [
        path("quizzes/import/", admin_views.import_questions, name="quizzes_import"),
        path("quizzes/export/", admin_views.export_questions, name="quizzes_export"),
    ]


@hooks.register("lms_register_admin_menu_items")
def add_quiz_menu(request):
    if not request.user.has_perm("quizzes.add_question"):
        return []
    return [
        SubmenuMenuItem(
            _("Quizzes"),
            Menu(
                items=[
                    MenuItem(
                        _("Quizzes"), reverse(quizzes.get_url_name("list")), order=1
                    ),
                    MenuItem(
                        _("Question bank"),
                        reverse(questions.get_url_name("list")),
                        order=2,
                    ),
                    MenuItem(
                        _("Question categories"),
                        reverse(categories.get_url_name("list")),
                        order=3,
                    ),
                    MenuItem(_("Import questions"), reverse("quizzes_import"), order=4),
                    MenuItem(_("Export questions"), reverse("quizzes_export"), order=5),
                ]
            ),
            icon_name="tasks",
            order=240,
        )
    ]


@hooks.register("lms_register_menu_items")
def add_results_link(request):
    membership = getattr(request, "membership", None)
    if request.user.is_superuser or (
        membership and (membership.authors_content or membership.manages_people)
    ):
        return [MenuLink(_("Quiz results"), reverse("quizzes:results_index"), REPORTS)]
    return []


@hooks.register("lms_register_dashboard_actions")
def add_answers_to_review(request):
    """Trainers, coordinators and admins: open answers waiting for a person's
    mark in this organisation, and since when."""
    from django.db.models import Count, Min
    from django.utils import timezone

    from relais_quizzes.models import Attempt, Slot

    membership = getattr(request, "membership", None)
    if not (
        request.user.is_superuser
        or (membership and (membership.authors_content or membership.manages_people))
    ):
        return []
    waiting = Slot.objects.filter(
        attempt__organisation=request.organisation,
        attempt__state=Attempt.State.SUBMITTED,
        needs_review=True,
    ).aggregate(count=Count("pk"), since=Min("attempt__submitted_at"))
    return [
        DashboardAction(
            _("Quiz answers to review"),
            waiting["count"],
            reverse("quizzes:results_index"),
            since=waiting["since"] and timezone.localdate(waiting["since"]),
            order=40,
        )
    ]


@hooks.register("lms_register_lesson_blocks")
def add_quiz_block():
    return [("quiz", QuizBlock())]


@hooks.register("lms_construct_demo")
def add_quiz_demo(site, people):
    from relais_quizzes.demo import construct_demo

    construct_demo(site, people)


# After the other demos (order 110): the volunteers they add have taken the quiz.
@hooks.register("lms_construct_demo", order=110)
def add_quiz_attempts_demo(site, people):
    from relais_quizzes.demo_attempts import construct_attempts

    construct_attempts(site, people)
