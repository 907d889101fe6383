from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from lms import jobs
from lms.forms import grantable_roles
from lms.models import Invitation, Kind, Membership, Role, Team
from lms.tasks import send_invitation


def grantable(token):
    """The roles a token may give: its person's (as in the UI), or for an
    organisation token every role but admin unless it acts as admin."""
    if token.user is not None:
        return grantable_roles(token.user, token.organisation)
    return [role for role in Role if token.role == Role.ADMIN or role != Role.ADMIN]


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.EmailField(source="user.email")


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "organisation", "name"]


class MembershipSerializer(serializers.ModelSerializer):
    person = PersonSerializer(source="*", read_only=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(), allow_null=True, required=False
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "organisation",
            "person",
            "role",
            "kind",
            "team",
            "start_date",
            "is_active",
            "joined_at",
        ]
        read_only_fields = ["id", "organisation", "is_active", "joined_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = self.context.get("token")
        if token is not None:
            self.fields["team"].queryset = Team.objects.for_organisation(
                token.organisation
            )

    def validate(self, data):
        token, member = self.context["token"], self.instance
        if "role" in data and data["role"] != member.role:
            check_may_change(token, member)
            if data["role"] not in grantable(token):
                raise serializers.ValidationError(
                    {"role": _("Only an organisation admin grants this role.")}
                )
        return data


def check_may_change(token, member):
    """Nobody changes their own role or stands themself down, and only an
    organisation admin changes an admin's (or a coordinator's, as the UI)."""
    if token.user is not None and member.user_id == token.user.pk:
        raise serializers.ValidationError(
            {"role": _("Nobody changes their own role: ask an organisation admin.")}
        )
    if member.role not in grantable(token):
        raise serializers.ValidationError(
            {"role": _("Only an organisation admin can change this.")}
        )


class InvitationSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(), allow_null=True, required=False
    )
    role = serializers.ChoiceField(choices=Role.choices)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.VOLUNTEER)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organisation",
            "email",
            "first_name",
            "last_name",
            "role",
            "kind",
            "team",
            "start_date",
            "created_at",
            "expires_at",
        ]
        read_only_fields = ["id", "organisation", "created_at", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = self.context.get("token")
        if token is not None:
            self.fields["team"].queryset = Team.objects.for_organisation(
                token.organisation
            )

    def validate_email(self, email):
        email = email.strip().lower()
        organisation = self.context["token"].organisation
        if (
            Membership.objects.for_organisation(organisation)
            .filter(user__email__iexact=email)
            .exists()
        ):
            raise serializers.ValidationError(
                _("This person is already a member here.")
            )
        if (
            Invitation.objects.for_organisation(organisation)
            .pending()
            .filter(email__iexact=email)
            .exists()
        ):
            raise serializers.ValidationError(
                _("An invitation is already waiting for this address.")
            )
        return email

    def validate_role(self, role):
        if role not in grantable(self.context["token"]):
            raise serializers.ValidationError(
                _("Only an organisation admin grants this role.")
            )
        return role

    def create(self, validated_data):
        """Saved with its e-mail's job, which goes out once committed (the same
        ``send_invitation`` task as the people screen)."""
        token = self.context["token"]
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=token.organisation,
                invited_by=token.user,
                **validated_data,
            )
            jobs.submit(send_invitation, invitation.pk, organisation=token.organisation)
        return invitation
