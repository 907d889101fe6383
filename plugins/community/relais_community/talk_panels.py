"""The questions panel under a course's or a lesson's page."""

from wagtail.admin.ui.components import Component

from relais_community import talk

SHOWN = 5


class QuestionsPanel(Component):
    """Up to five questions (answered first) with their answers, and the form to
    ask one; the rest on the page's own questions page."""

    template_name = "community/talk/panel.html"
    order = 50

    def __init__(self, request, page):
        self.request = request
        self.page = page

    def get_context_data(self, parent_context=None):
        request = self.request
        questions = talk.questions_under(request, self.page)
        shown = list(questions[: SHOWN + 1])
        membership = getattr(request, "membership", None)
        return {
            "request": request,
            "csrf_token": (parent_context or {}).get("csrf_token"),
            "page": self.page,
            "questions": shown[:SHOWN],
            "more": len(shown) > SHOWN,
            "total": questions.count() if len(shown) > SHOWN else len(shown),
            "moderator": talk.is_moderator(request),
            "marker": membership is not None and membership.role in talk.ANSWER_MARKERS,
        }
