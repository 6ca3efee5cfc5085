"""Imports every model so that metadata (migrations, tests) sees the whole schema."""
from .accounts.models import ApiToken, LoginThrottle, MailMessage, RecoveryCode, Role, User, memberships  # noqa: F401
from .applications.models import (  # noqa: F401
    Application, ApplicationKpi, Attachment, BudgetLine, Contribution, InformationRequest,
)
from .audit.models import AuditEvent  # noqa: F401
from .audit import chain as _audit_chain  # noqa: F401  (audit events are hash-chained when flushed)
from .awards.models import Decision, DecisionMailTemplate, Project  # noqa: F401
from .calls.models import CallExclusion, Call, CallKpi, Criterion, PaymentTranche  # noqa: F401
from .jury.models import (  # noqa: F401
    Assignment, ConflictDeclaration, ConflictOfInterest, JuryAdvice, JuryReminder, Panel, Score, ScoreSheet,
)
from .organisations.models import Organisation, Partnership, PartnershipMember  # noqa: F401
from .ratelimit import RateLimitCounter  # noqa: F401
from .reporting.models import (  # noqa: F401
    Extension, KpiValue, Payment, PolicyAction, PolicyActionCall, PolicyPlan, Report, ReportAttachment,
    ReportCostLine, ReportReminder,
)
