"""Question banks, quizzes, and learners' attempts.

A question is edited freely; each distinct content it has had is kept as a
``QuestionVersion``, and an attempt points at the versions it was given, so editing
a question never changes a past result.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Site
from wagtail.search import index

from lms.models.scoping import OrganisationQuerySet
from relais_quizzes.types import question_type, question_types

PROMPT_FEATURES = ["bold", "italic", "ol", "ul", "link", "image"]


class QuestionCategory(models.Model):
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )

    objects = OrganisationQuerySet.as_manager()

    panels = [FieldPanel("name"), FieldPanel("parent")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="quizzes_category_once"
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(parent__isnull=True),
                name="quizzes_top_category_once",
            ),
        ]

    def __str__(self):
        return " / ".join(self.names())

    def clean(self):
        super().clean()
        category = self.parent
        while category is not None:  # a category cannot sit inside itself
            if category.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": _("A category cannot be inside itself.")}
                )
            category = category.parent

    def names(self):
        names, category, seen = [], self, set()
        while category is not None and category.pk not in seen:
            seen.add(category.pk)
            names.insert(0, category.name)
            category = category.parent
        return names

    def with_descendants(self):
        """This category's id and all below it (a bank is a few dozen categories)."""
        ids, todo = {self.pk}, [self.pk]
        while todo:
            todo = (
                set(
                    QuestionCategory.objects.filter(parent__in=todo).values_list(
                        "pk", flat=True
                    )
                )
                - ids
            )  # never around a loop
            ids.update(todo)
        return ids


class QuestionAnswer(StreamField):
    """The answers of a question: one block, of the question's type. Types come from
    the registry (plugins add some), so they stay out of migrations like lesson
    blocks do."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_num", 1)
        kwargs.setdefault("max_num", 1)
        super().__init__(
            [(name, kind.block()) for name, kind in question_types().items()],
            **kwargs,
        )

    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, path, [[]], kwargs


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, ClusterableModel):
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("For you: how the bank lists it.")
    )
    prompt = RichTextField(_("question"), features=PROMPT_FEATURES)
    answer = QuestionAnswer(verbose_name=_("answers"))
    explanation = RichTextField(
        _("explanation"),
        blank=True,
        features=PROMPT_FEATURES,
        help_text=_("Shown after answering, whatever the answer."),
    )
    mark = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01)],
    )
    type = models.CharField(_("type"), max_length=40, editable=False)
    tags = ClusterTaggableManager(through=QuestionTag, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("prompt"),
        FieldPanel("answer"),
        FieldPanel("explanation"),
        MultiFieldPanel([FieldPanel("mark"), FieldPanel("tags")], _("More")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),  # choosers find "frig" in "Frigo"
        index.SearchField("prompt"),
        index.FilterField("organisation"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__name", "name"]

    def __str__(self):
        return self.name

    @property
    def kind(self):
        return question_type(self.type)

    def type_label(self):
        return question_type(self.type).label if self.type else ""

    @property
    def spec(self):
        """The answers as plain JSON, with the id each choice keeps for ever."""
        if not self.answer:
            return {}
        return unwrap(self.answer.raw_data[0]["value"])

    def snapshot(self):
        return {
            "type": self.type,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "spec": self.spec,
            "mark": str(Decimal(self.mark).quantize(Decimal("0.01"))),
        }

    def save(self, *args, **kwargs):
        if self.answer:
            self.type = self.answer.raw_data[0]["type"]
        super().save(*args, **kwargs)
        self.current_version()

    def current_version(self):
        """The latest version, made now if the question changed since."""
        return QuestionVersion.current([self])[0]


def unwrap(value):
    """Wagtail's stored block value, with list items as {id, ...fields}."""
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [
            {"id": item["id"], **unwrap(item["value"])}
            if isinstance(item, dict) and item.get("type") == "item"
            else unwrap(item)
            for item in value
        ]
    return value


def wrap(spec):
    """The inverse of ``unwrap``: a spec (an import) as Wagtail's stored value."""
    if isinstance(spec, dict):
        return {key: wrap(item) for key, item in spec.items()}
    if isinstance(spec, list):
        return [
            {
                "type": "item",
                "id": item["id"],
                "value": {k: wrap(v) for k, v in item.items() if k != "id"},
            }
            if isinstance(item, dict) and "id" in item
            else wrap(item)
            for item in spec
        ]
    return spec


class QuestionVersion(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    content = models.JSONField()  # type, prompt, explanation, spec, mark
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="quizzes_version_once"
            )
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"

    @classmethod
    def current(cls, questions):
        """Each question's latest version, made where the question changed since;
        one query for all (an attempt starts with 20 questions or more)."""
        latest = {}
        for version in cls.objects.filter(question__in=questions).order_by(
            "question", "-number"
        ):
            latest.setdefault(version.question_id, version)
        versions = []
        for question in questions:
            found, snapshot = latest.get(question.pk), question.snapshot()
            if found is None or found.content != snapshot:
                found, _created = cls.objects.get_or_create(
                    question=question,
                    number=found.number + 1 if found else 1,
                    defaults={"content": snapshot},
                )
            versions.append(found)
        return versions

    @property
    def kind(self):
        return question_type(self.content["type"])

    @property
    def spec(self):
        return self.content["spec"]


class Quiz(index.Indexed, ClusterableModel):
    class Feedback(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately, question by question")
        AFTER_SUBMISSION = "after_submission", _("After submitting")
        AFTER_PASSING = "after_passing", _("Once passed")
        NEVER = "never", _("Never (score only)")

    class Layout(models.TextChoices):
        ONE_PER_PAGE = "one", _("One question per page")
        ALL = "all", _("All questions on one page")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0: as many as needed.")
    )
    attempt_delay_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"), default=0
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    shuffle_answers = models.BooleanField(_("shuffle the answers"), default=True)
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    layout = models.CharField(
        _("layout"), max_length=10, choices=Layout.choices, default=Layout.ONE_PER_PAGE
    )
    feedback = models.CharField(
        _("show feedback"),
        max_length=20,
        choices=Feedback.choices,
        default=Feedback.AFTER_SUBMISSION,
    )
    show_correct_answers = models.CharField(
        _("show the right answers"),
        max_length=20,
        choices=Feedback.choices,
        default=Feedback.AFTER_PASSING,
    )

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        InlinePanel("questions", label=_("Questions always asked")),
        InlinePanel("draws", label=_("Questions drawn at random")),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("attempt_delay_minutes"),
                FieldPanel("time_limit_minutes"),
            ],
            _("Rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("layout"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_answers"),
                FieldPanel("feedback"),
                FieldPanel("show_correct_answers"),
            ],
            _("How it is shown"),
        ),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("organisation"),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title

    @property
    def object_id(self):
        """The activity IRI of the quiz itself, wherever it is taken."""
        return f"urn:relais:quiz:{self.pk}"

    def results_url(self):
        return reverse("quizzes:results", args=[self.pk])

    def question_count(self):
        return len(self.questions.all()) + sum(d.count for d in self.draws.all())


class QuizQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("question")]


class QuizDraw(Orderable):
    """N questions drawn for each attempt from a category (and those inside it)."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(
        _("how many"), default=5, validators=[MinValueValidator(1)]
    )
    include_subcategories = models.BooleanField(
        _("include the categories inside it"), default=True
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("count"),
        FieldPanel("include_subcategories"),
    ]


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Results are never lost: a quiz with attempts cannot be deleted.
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The learner's organisation, where the attempt was taken: its statements are
    # recorded there, whoever owns the quiz (a federation shares its courses).
    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    # Where it was taken (a lesson's activity or a path step), for its statements.
    activity = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    passed = models.BooleanField(null=True)
    needs_review = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="quizzes_attempt_number_once"
            ),
            # One open attempt per learner and quiz, whatever the races.
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="quizzes_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state", "score"])]

    def __str__(self):
        return f"{self.quiz_id} #{self.number} of {self.user_id}"

    def get_absolute_url(self):
        return reverse("quizzes:attempt", args=[self.uuid])

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(100 * float(self.score) / float(self.max_score))

    @property
    def is_open(self):
        return self.state == self.State.IN_PROGRESS


class Slot(models.Model):
    """A question as given in an attempt, and the learner's saved answer to it."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="slots"
    )
    order = models.JSONField(default=list)  # shuffled option ids, fixed per attempt
    response = models.JSONField(null=True)
    # Autosaves may arrive out of order; a lower revision never overwrites a newer.
    revision = models.PositiveBigIntegerField(default=0)  # the browser's clock, in ms
    saved_at = models.DateTimeField(null=True)
    checked = models.BooleanField(default=False)  # locked by "check" (feedback now)
    fraction = models.FloatField(null=True)
    needs_review = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quizzes_slot_once"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.position}"

    @property
    def mark(self):
        return float(self.version.content["mark"])
