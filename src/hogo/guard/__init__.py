"""hogo.guard: the one place that decides whether personal data may be processed.

"May role A process categories C of subject S for purpose P now?" The guard is pure: the
service layer loads a subject snapshot and asks; the guard answers per category with a
:class:`Reason`, never a bare boolean.
"""

from hogo.guard.batch import SubjectTable
from hogo.guard.compile import CompiledPolicy, compile_policy
from hogo.guard.decision import Decision, Outcome
from hogo.guard.reasons import Reason
from hogo.guard.state import ConsentEvent, ConsentState, SubjectState, age_on

__all__ = [
    "CompiledPolicy",
    "ConsentEvent",
    "ConsentState",
    "Decision",
    "Outcome",
    "Reason",
    "SubjectState",
    "SubjectTable",
    "age_on",
    "compile_policy",
]
