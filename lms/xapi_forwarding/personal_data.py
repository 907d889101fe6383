"""Personal data of statement forwarding (see ``lms.privacy``)."""

NOT_PERSONAL = {
    "xapi_forwarding.LrsEndpoint": (
        "an organisation's LRS address and key; names nobody"
    ),
    "xapi_forwarding.OutgoingStatement": (
        "a delivery state pointing at a statement (declared by courses), erased "
        "with it; holds nothing of the person itself"
    ),
}
