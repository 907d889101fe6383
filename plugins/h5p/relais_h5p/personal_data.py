"""Personal data the H5P plugin keeps (see ``lms.privacy``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.privacy import Basis, Erase, PersonalData


def saved_there(queryset, organisation):
    """Saved state of the lessons played in ``organisation``: its own, and a
    federation's shared ones played by its members (the activity URN names the
    lesson; the person's enrolment there says where it was played)."""
    from courses.models import Enrolment, LessonPage

    condition = Q(pk__in=[])
    for path in Enrolment.objects.filter(
        organisation=organisation, user__in=queryset.values("user")
    ).values_list("course__path", flat=True):
        for pk in LessonPage.objects.filter(path__startswith=path).values_list(
            "pk", flat=True
        ):
            condition |= Q(activity__startswith=f"urn:relais:activity:{pk}:")
    return queryset.filter(condition)


PERSONAL_DATA = [
    PersonalData(
        model="h5p.H5PUserData",
        person="user",
        organisation=saved_there,
        fields=["activity", "content", "data_type", "sub_content_id", "data"],
        purpose=_("Let a person resume an H5P activity where they left it"),
        basis=Basis.CONTRACT,
        retention=_("As long as the person is a member"),
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="h5p.H5PContent",
        person="uploaded_by",
        organisation="organisation",
        fields=["title", "uploaded_by"],
        purpose=_("Show who uploaded an activity"),
        basis=Basis.LEGITIMATE_INTEREST,
        retention=_("As long as the activity is kept"),
        erase=Erase.ANONYMISE,
        anonymise={"uploaded_by": None},
    ),
]
