"""Names of organisation kinds (shared by models, forms and rules), translated when shown."""
from grants.i18n import lazy_gettext

ORGANISATION_KIND_LABELS = {
    "municipality": lazy_gettext("gemeente"),
    "ocmw": lazy_gettext("OCMW"),
    "vgc": lazy_gettext("Vlaamse Gemeenschapscommissie"),
    "vzw_de_rand": lazy_gettext("vzw De Rand"),
    "other_local_government": lazy_gettext("ander lokaal bestuur"),
    "nonprofit": lazy_gettext("vzw / organisatie zonder winstoogmerk"),
    "school": lazy_gettext("school"),
    "university": lazy_gettext("universiteit of hogeschool"),
    "other": lazy_gettext("andere organisatie"),
}
