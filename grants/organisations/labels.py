"""Dutch labels of organisation kinds (shared by models, forms and rules)."""

ORGANISATION_KIND_LABELS = {
    "municipality": "gemeente",
    "ocmw": "OCMW",
    "vgc": "Vlaamse Gemeenschapscommissie",
    "vzw_de_rand": "vzw De Rand",
    "other_local_government": "ander lokaal bestuur",
    "nonprofit": "vzw / organisatie zonder winstoogmerk",
    "school": "school",
    "university": "universiteit of hogeschool",
    "other": "andere organisatie",
}
