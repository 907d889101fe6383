"""Admin screens (Wagtail snippets) of one organisation's objects, for the core and
plugins alike: listed, created, edited and chosen only in the organisation whose
admin is in use (the admin's hostname), and a form can only point at objects of
that same organisation, whatever a crafted request posts.

Who may open these screens at all is decided before: ``AdminAccessMiddleware``
(an admin role in this organisation) and ``lms.permissions`` (that role's rights,
here only).
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin.widgets import AdminPageChooser
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    SnippetViewSet,
)

from lms.models.scoping import scoped


def scope_form(form, organisation):
    """Limit every choice to the organisation's objects, in inline forms too
    (those added in the browser included): every field with a queryset, whatever
    its model (``lms.models.scoping.scoped``, which raises for a model with no
    known scoping rather than offer every organisation's objects)."""
    own = getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or (own and name == own._meta.pk.name):
            continue  # an inline form's own id: its formset's objects already
        if isinstance(field.widget, AdminPageChooser):
            # The page chooser browses every organisation's tree: a plain list
            # of the pages this organisation may point at instead.
            field.widget = forms.Select()
        field.queryset = scoped(queryset, organisation)
    for formset in getattr(form, "formsets", {}).values():
        formset.form = _scoped_form_class(formset.form, organisation)
        for inline in formset.forms:
            scope_form(inline, organisation)


def _scoped_form_class(form_class, organisation):
    if getattr(form_class, "_lms_scoped_to", None) == organisation.pk:
        return form_class

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        scope_form(self, organisation)

    return type(
        form_class.__name__,
        (form_class,),
        {"__init__": __init__, "_lms_scoped_to": organisation.pk},
    )


class ScopedFormMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        scope_form(form, self.request.organisation)
        return form


class OrganisationCreateView(ScopedFormMixin, CreateView):
    """New objects belong to the organisation whose admin is in use."""

    def save_instance(self):
        self.form.instance.organisation = self.request.organisation
        return super().save_instance()


class OrganisationEditView(ScopedFormMixin, EditView):
    pass


class OrganisationDeleteView(DeleteView):
    """What results depend on is protected (``on_delete=PROTECT``): say so, keep it."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "“%(object)s” is still used (by results or other content): "
                    "it was kept."
                )
                % {"object": self.object},
            )
            return redirect(self.get_success_url())


class OrganisationChoices:
    def get_object_list(self):
        return scoped(self.model_class.objects.all(), self.request.organisation)


class OrganisationChooseView(OrganisationChoices, ChooseView):
    pass


class OrganisationChooseResultsView(OrganisationChoices, ChooseResultsView):
    pass


class OrganisationChosenView(SnippetChosenView):
    """What the chooser hands back once an id is picked: another organisation's
    id is not found, like everywhere else."""

    def get_object(self, pk):
        return scoped(self.model_class.objects.all(), self.request.organisation).get(
            pk=pk
        )


class OrganisationChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return scoped(self.model_class.objects.all(), self.request.organisation).filter(
            pk__in=pks
        )


class OrganisationChooserViewSet(SnippetChooserViewSet):
    choose_view_class = OrganisationChooseView
    choose_results_view_class = OrganisationChooseResultsView
    chosen_view_class = OrganisationChosenView
    chosen_multiple_view_class = OrganisationChosenMultipleView


# Uploaded packages (H5P, SCORM): processed in the background, chosen only once
# ready, renamed but never edited (a new version is a new upload).


class ReadyChoices(OrganisationChoices):
    def get_object_list(self):
        return super().get_object_list().filter(status="ready")


class ReadyChooseView(ReadyChoices, ChooseView):
    pass


class ReadyChooseResultsView(ReadyChoices, ChooseResultsView):
    pass


class ReadyPackageChooserViewSet(OrganisationChooserViewSet):
    choose_view_class = ReadyChooseView
    choose_results_view_class = ReadyChooseResultsView


class RenamePackageView(OrganisationEditView):
    """Only the title changes; a package is replaced by uploading a new one."""

    def get_form_class(self):
        from django.forms import modelform_factory
        from wagtail.admin.forms import WagtailAdminModelForm

        return modelform_factory(
            self.model, form=WagtailAdminModelForm, fields=["title"]
        )


class OrganisationSnippetViewSet(SnippetViewSet):
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView
    chooser_viewset_class = OrganisationChooserViewSet

    def get_queryset(self, request):
        return self.model.objects.for_organisation(request.organisation)

    def construct_view(self, view_class, **kwargs):
        """Every view naming an object (edit, copy, delete, history, usage,
        inspect…) finds it only in the admin's organisation: 404 otherwise."""
        view = super().construct_view(view_class, **kwargs)
        model = self.model

        @wraps(view)
        def scoped(request, *args, **view_kwargs):
            pk = view_kwargs.get("pk")
            if pk is not None:
                mine = model.objects.for_organisation(request.organisation)
                if not mine.filter(pk=unquote(str(pk))).exists():
                    raise Http404
            return view(request, *args, **view_kwargs)

        return scoped
