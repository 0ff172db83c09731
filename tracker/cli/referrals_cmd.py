"""``tracker referrals``: recommendation 2 (every NCCU referral has its intelligence document
submitted): compliance as of a date, overall or broken down, the referrals with no
document to chase, and why one referral stands as it does.

A thin layer over ``tracker.recommendations.referrals``: options are parsed here, the
matching, the figures and the words come from the library, so every face says the same.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.coverage_cmd import emit
from tracker.cli.options import AsOf, FormatOpt, check_format, day_of, ready_engine
from tracker.reference import vocab

if TYPE_CHECKING:  # pandas and the referral engine are loaded by the commands
    import pandas as pd

# tracker.recommendations.referrals.BREAKDOWNS, spelled out so that building the CLI (its
# --help) need not load pandas and SQLAlchemy; a test keeps the two equal.
BREAKDOWNS = ("department", "rank", "month")

referrals_app = typer.Typer(
    name="referrals", invoke_without_command=True, rich_markup_mode=None,
    help="Recommendation 2 (by 30 April 2026, every referral to Immigration Enforcement's "
    "NCCU has its intelligence document submitted): compliance from the imported referral "
    "and intelligence submission logs. Without a command: the figures as of a date.")
app.add_typer(referrals_app)

ForceOpt = Annotated[str | None, typer.Option(
    "--force", metavar="CODE", show_default=False,
    help="One force code, e.g. avon-and-somerset. Default: all forces.")]
ByOpt = Annotated[str | None, typer.Option(
    "--by", metavar="FIELDS", show_default=False,
    help=f"Break down by one or more of {', '.join(BREAKDOWNS)}, comma-separated "
    "(department and rank: the reporting officer's on the referral's date).")]


def _force(force: str | None) -> str | None:
    if force is not None and force not in vocab.forces().forces:
        fail(f"unknown force {force!r}; use a force code such as avon-and-somerset "
             "(see tracker/reference/data/forces.toml).", code=2)
    return force


def _split(by: str | None) -> list[str]:
    keys = [k.strip() for k in (by or "").split(",") if k.strip()]
    unknown = [k for k in keys if k not in BREAKDOWNS]
    if unknown:
        fail(f"cannot break referrals down by {unknown[0]!r}; --by takes "
             f"{', '.join(BREAKDOWNS)}, comma-separated.", code=2)
    return keys


def _rows(ctx: typer.Context, as_of: dt.date, force: str | None) -> pd.DataFrame:
    from tracker.recommendations import referrals as engine_of

    window = state(ctx).settings.referral_window_days
    return engine_of.referral_rows(ready_engine(ctx), _force(force), as_of, window)


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dates (not midnight timestamps), times of day as text, for every format."""
    import pandas as pd

    out = frame.copy()
    for column in ("referred_on", "due_on", "submitted_on"):
        if column in out:
            out[column] = [None if pd.isna(v) else v.date() for v in out[column]]
    for column in ("referred_at", "submitted_at"):  # times of day as 14:35
        if column in out:
            out[column] = [f"{v:%H:%M}" if isinstance(v, dt.time) else None
                           for v in out[column]]
    return out


@referrals_app.callback()
def referrals(ctx: typer.Context, as_of: AsOf = None, force: ForceOpt = None,
              by: ByOpt = None, fmt: FormatOpt = "table") -> None:
    """Referrals to the NCCU with an intelligence document submitted within the window
    (TRACKER_REFERRAL_WINDOW_DAYS, default 7 days): submitted, late, missing and pending
    (window still open: not counted), and the % within the window."""
    from tracker.recommendations import referrals as engine_of

    if ctx.invoked_subcommand is not None:
        return
    check_format(fmt)
    keys, day = _split(by), day_of(ctx, as_of)
    window = state(ctx).settings.referral_window_days
    figures = engine_of.figures(_rows(ctx, day, force), keys)
    emit(figures, fmt, title=f"NCCU referrals as of {day.isoformat()}",
         notes=["", engine_of.rule_words(window)])


@referrals_app.command("missing")
def missing(ctx: typer.Context, as_of: AsOf = None, force: ForceOpt = None,
            fmt: FormatOpt = "table") -> None:
    """The referrals with no intelligence document whose window has closed, oldest first,
    with the reporting officer and their line manager, to chase."""
    from tracker.recommendations import referrals as engine_of

    check_format(fmt)
    day = day_of(ctx, as_of)
    chase = _dates(engine_of.chase_list(_rows(ctx, day, force)))
    emit(chase, fmt, title=f"NCCU referrals with no intelligence document, as of "
         f"{day.isoformat()}")


@referrals_app.command("explain")
def explain(ctx: typer.Context,
            reference: Annotated[str, typer.Argument(
                metavar="REF", show_default=False,
                help="The referral's incident, custody or NCCU reference.")],
            as_of: AsOf = None, force: ForceOpt = None) -> None:
    """Why one referral is counted as submitted, late, missing or pending, in words."""
    from tracker.recommendations import referrals as engine_of

    window = state(ctx).settings.referral_window_days
    words = engine_of.explain(_rows(ctx, day_of(ctx, as_of), force), reference, window)
    if words is None:
        fail(f"no referral has the reference {reference!r} (dated on or before the date); "
             "check it, or import the referral log that holds it.")
    typer.echo(words)
