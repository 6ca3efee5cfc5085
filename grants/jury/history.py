"""What the audit events of the jury mean, in the history page's words."""
from __future__ import annotations

from ..audit.describe import register_events, register_fields

register_events({
    "jury.panel_create": ("%(actor)s stelde de jury samen", "%(actor)s set up the jury", "jury"),
    "jury.settings": ("%(actor)s wijzigde de instellingen van de jury", "%(actor)s changed the jury's settings", "jury"),
    "jury.juror_add": ("%(actor)s voegde een jurylid toe", "%(actor)s added a juror", "jury"),
    "jury.juror_remove": ("%(actor)s haalde een jurylid uit de jury", "%(actor)s removed a juror from the jury",
                          "jury"),
    "jury.declaration": ("%(actor)s verklaarde de belangenconflicten", "%(actor)s declared the conflicts of interest",
                         "jury"),
    "jury.conflict_declare": ("%(actor)s meldde een belangenconflict", "%(actor)s declared a conflict of interest",
                              "jury"),
    "jury.conflict_set": ("%(actor)s stelde een belangenconflict vast", "%(actor)s recorded a conflict of interest",
                          "jury"),
    "jury.conflict_override": ("%(actor)s hief een belangenconflict op, met een reden",
                               "%(actor)s overrode a conflict of interest, with a reason", "jury"),
    "jury.conflict_override_lifted": ("%(actor)s liet een belangenconflict opnieuw gelden",
                                      "%(actor)s reinstated a conflict of interest", "jury"),
    "jury.assign": ("%(actor)s wees een jurylid toe", "%(actor)s assigned a juror", "jury"),
    "jury.assign_automatic": ("%(actor)s verdeelde de aanvragen over de juryleden",
                              "%(actor)s divided the applications among the jurors", "jury"),
    "jury.unassign": ("%(actor)s haalde een toewijzing weg", "%(actor)s removed an assignment", "jury"),
    "jury.sheet_create": ("%(actor)s begon een scoreformulier", "%(actor)s started a score sheet", "jury"),
    "jury.sheet_save": ("%(actor)s bewaarde een scoreformulier", "%(actor)s saved a score sheet", "jury"),
    "jury.sheet_submit": ("%(actor)s diende een scoreformulier in", "%(actor)s submitted a score sheet", "jury"),
    "jury.sheet_reopen": ("%(actor)s heropende een scoreformulier", "%(actor)s reopened a score sheet", "jury"),
    "jury.reminders": ("%(actor)s stuurde de juryleden een herinnering", "%(actor)s sent the jurors a reminder",
                       "jury"),
    "jury.advice": ("%(actor)s legde het advies van de jury vast", "%(actor)s recorded the jury's advice", "jury"),
    "call.jury_settings": ("%(actor)s wijzigde de juryregels van de oproep", "%(actor)s changed the call's jury rules",
                           "jury"),
})

_JURY_FIELDS = {
    "juror": ("jurylid", "juror", "text"), "jurors": ("juryleden", "jurors", "text"),
    "application_id": ("aanvraag (nummer)", "application (number)", "number"),
    "assignments": ("toewijzingen", "assignments", "number"), "declared": ("verklaard", "declared", "number"),
    "conflicts": ("conflicten", "conflicts", "number"), "kind": ("soort", "kind", "text"),
    "source": ("bron", "source", "text"), "reason": ("reden", "reason", "text"),
    "overridden": ("opgeheven", "overridden", "bool"), "outcome": ("advies", "advice", "text"),
    "motivation": ("motivering", "motivation", "text"), "sent": ("verstuurd aan", "sent to", "list"),
    "status": ("status", "status", "text"), "assignment": ("toewijzing", "assignment", "text"),
}
for _table in ("panels", "assignments", "conflicts_of_interest", "score_sheets", "jury_advice"):
    register_fields(_table, _JURY_FIELDS)
