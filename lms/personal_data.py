"""Personal data the core keeps, and that of the Django and Wagtail apps it
installs (their authors declare none; see ``lms.privacy``)."""

from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData

MEMBERSHIP = _("Know who belongs to the organisation, in which role and team")
ACCOUNT = _("Let a person log in and be told apart from others")
AUTHORING = _("Keep the history of who wrote and published content")
WITH_ACCOUNT = _("As long as the account exists; anonymised when it is erased")


def in_collection(queryset, organisation):
    """Images and documents of ``organisation``'s collection."""
    from lms.models.organisations import organisation_collection

    collection = organisation_collection(organisation)
    return queryset.filter(collection__path__startswith=collection.path)


def in_site_tree(queryset, organisation):
    """Pages of ``organisation``'s tree."""
    return queryset.filter(path__startswith=organisation.root_page.path)


def anonymise_account(rows, user):
    """The account itself: no name, e-mail, username or usable password left,
    deactivated, its sessions closed (``lms.privacy.engines`` calls this only
    when the person belongs to no other organisation)."""
    from lms.privacy.engines import anonymise_account as anonymise

    return anonymise(user)


def leave_organisation(rows, user):
    """Memberships go with the groups of their role there."""
    from lms.models import RoleGroup

    organisations = rows.values("organisation")
    user.groups.remove(
        *RoleGroup.objects.filter(organisation__in=organisations).values_list(
            "group", flat=True
        )
    )
    count, _deleted = rows.delete()
    return count


def _cleared(model, lookup, organisation, purpose=AUTHORING):
    """A row of someone else's (a page, an image) naming the person in passing."""
    return PersonalData(
        model=model,
        person=lookup,
        organisation=organisation,
        fields=[lookup],
        purpose=purpose,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the record is kept; the name goes when erased"),
        erase=Erase.ANONYMISE,
        anonymise={lookup: None},
    )


def _account_rows(model, lookup, fields, purpose, erase=Erase.DELETE, **extra):
    return PersonalData(
        model=model,
        person=lookup,
        organisation=None,
        fields=fields,
        purpose=purpose,
        basis=Basis.LEGITIMATE_INTEREST,
        retention=WITH_ACCOUNT,
        erase=erase,
        **extra,
    )


PERSONAL_DATA = [
    PersonalData(
        model="auth.User",
        person="pk",
        organisation=None,
        fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "last_login",
            "date_joined",
        ],
        purpose=ACCOUNT,
        basis=Basis.CONTRACT,
        retention=_(
            "As long as the person belongs to an organisation; anonymised when "
            "erased from the last one"
        ),
        erase=Erase.ANONYMISE,
        eraser=anonymise_account,
    ),
    PersonalData(
        model="wagtailusers.UserProfile",
        person="user",
        organisation=None,
        fields=["preferred_language", "current_time_zone"],
        files=["avatar"],
        purpose=_("Show the site in the person's own language"),
        basis=Basis.CONTRACT,
        retention=WITH_ACCOUNT,
    ),
    PersonalData(
        model="lms.Membership",
        person="user",
        organisation="organisation",
        fields=["role", "kind", "team", "start_date", "is_active", "joined_at"],
        purpose=MEMBERSHIP,
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
        eraser=leave_organisation,
    ),
    PersonalData(
        model="lms.Invitation",
        person="email",
        organisation="organisation",
        fields=[
            "email",
            "first_name",
            "last_name",
            "role",
            "team",
            "start_date",
            "created_at",
            "accepted_at",
        ],
        purpose=_("Invite a newcomer to join the organisation"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the person is a member"),
    ),
    _cleared(
        "lms.Invitation",
        "invited_by",
        "organisation",
        purpose=_("Show who invited a newcomer"),
    ),
    _cleared(
        "lms.BackgroundJob",
        "requested_by",
        "organisation",
        purpose=_("Know who asked for a piece of background work"),
    ),
    _cleared("wagtailcore.Page", "owner", in_site_tree),
    _cleared("wagtailcore.Page", "locked_by", in_site_tree),
    _cleared("wagtailimages.Image", "uploaded_by_user", in_collection),
    _cleared("wagtaildocs.Document", "uploaded_by_user", in_collection),
    _account_rows(
        "wagtailcore.Revision",
        "user",
        ["created_at", "object_str"],
        AUTHORING,
        erase=Erase.ANONYMISE,
        anonymise={"user": None},
    ),
    _account_rows(
        "wagtailcore.PageLogEntry",
        "user",
        ["action", "label", "timestamp"],
        AUTHORING,
        erase=Erase.ANONYMISE,
        anonymise={"user": None},
    ),
    _account_rows(
        "wagtailcore.ModelLogEntry",
        "user",
        ["action", "label", "timestamp"],
        AUTHORING,
        erase=Erase.ANONYMISE,
        anonymise={"user": None},
    ),
    _account_rows(
        "wagtailcore.WorkflowState",
        "requested_by",
        ["status", "created_at"],
        AUTHORING,
        erase=Erase.ANONYMISE,
        anonymise={"requested_by": None},
    ),
    _account_rows(
        "wagtailcore.TaskState",
        "finished_by",
        ["status", "finished_at", "comment"],
        AUTHORING,
        erase=Erase.ANONYMISE,
        anonymise={"finished_by": None},
    ),
    _account_rows("wagtailcore.Comment", "user", ["text", "created_at"], AUTHORING),
    _account_rows(
        "wagtailcore.Comment",
        "resolved_by",
        ["resolved_at"],
        AUTHORING,
        erase=Erase.ANONYMISE,
        anonymise={"resolved_by": None},
    ),
    _account_rows(
        "wagtailcore.CommentReply", "user", ["text", "created_at"], AUTHORING
    ),
    _account_rows(
        "wagtailcore.PageSubscription",
        "user",
        ["page", "comment_notifications"],
        _("Tell an author about comments on their pages"),
    ),
    _account_rows(
        "wagtailcore.UploadedFile",
        "uploaded_by_user",
        ["for_content_type"],
        AUTHORING,
        files=["file"],
    ),
    _account_rows(
        "wagtailcore.APIToken",
        "user",
        ["name", "created", "last_used_at"],
        _("Let a person's programs use the API"),
    ),
    _account_rows(
        "wagtailadmin.EditingSession",
        "user",
        ["last_seen_at"],
        _("Warn two people editing the same page"),
    ),
    _account_rows(
        "wagtailadmin.FormState",
        "user",
        ["last_updated_at", "data"],
        _("Keep an unsaved admin form"),
    ),
    _account_rows(
        "admin.LogEntry",
        "user",
        ["action_time", "object_repr", "change_message"],
        AUTHORING,
    ),
]
