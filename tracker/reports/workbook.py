"""The compliance report as an Excel workbook (openpyxl, streaming write-only mode).

Its sheets, in order, are the ``SHEETS`` registry (a name and the function that writes
each), the one list of them. Every sheet is one titled table with a frozen, filterable
header row that repeats on each printed page; pages are landscape, fit to the page width,
with the as-of date and page numbers in the footer.

Text that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return) is written as an explicit string cell with the *quote prefix* style, so it
shows, prints and edits as the text it is (OWASP, CSV injection).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from tracker.reference.labels import heading
from tracker.reference.text import long_date
from tracker.reports.data import ReportData, RequirementInfo
from tracker.reports.safe_text import xlsx_text_cell, xlsx_text_values

DATE_FORMAT = "dd mmm yyyy"
DATETIME_FORMAT = "dd mmm yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
WRAP_AT = 120
PAPER_A4 = 9
CHUNK_ROWS = 5_000  # rows turned into cell values at a time: bounds the writer's memory

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
NOTE_FONT = Font(italic=True, color="555555")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_BORDER = Border(bottom=Side(style="thin"))
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
SMALL_FONT = Font(size=8, color="555555")
CELL_BOTTOM = Border(bottom=Side(style="hair", color="999999"))
RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}


@dataclass(frozen=True)
class Column:
    """One column of a table: where its values come from, its header, width and kind."""

    key: str
    header: str
    width: float
    kind: str = "text"  # text | wrap | int | float | pct | date | datetime | status
    missing: str = ""  # shown when a number or date is missing (empty cell when "")


def _column(key: str, width: float, kind: str = "text", missing: str = "", *,
            shows: str | None = None) -> Column:
    """A column of ``key``'s values under the heading of ``shows`` (default ``key``) in the
    one heading table (``tracker.reference.labels``)."""
    return Column(key, heading(shows or key, "workbook"), width, kind, missing)


Sheet: TypeAlias = Any  # openpyxl's WriteOnlyWorksheet (the package has no type hints)


def write_xlsx(data: ReportData, path_or_buffer: Any) -> None:
    """Write the report workbook to a path or a binary file object."""
    wb = Workbook(write_only=True)
    wb.properties.title = data.title
    wb.properties.creator = data.generated_by
    wb.properties.created = wb.properties.modified = data.generated_at
    for name, writer in SHEETS:
        writer(wb, name, data)
    wb.save(path_or_buffer)


# --- cells ------------------------------------------------------------------------------


def text_cell(ws: Sheet, value: str, **style: Any) -> Cell:
    """A cell that always holds ``value`` as text, however it starts (``tracker.reports.safe_text``,
    the one formula-safe writer)."""
    return xlsx_text_cell(ws, value, **style)


def cell(ws: Sheet, value: Any, **style: Any) -> Cell:
    """A styled cell; text goes through ``text_cell``."""
    if isinstance(value, str):
        return text_cell(ws, value, **style)
    out = WriteOnlyCell(ws, value=None if _missing(value) else value)
    for name, setting in style.items():
        setattr(out, name, setting)
    return out


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (
        isinstance(value, float) and value != value)


def _column_values(ws: Sheet, frame: pd.DataFrame, col: Column) -> list[Any]:
    series = frame[col.key]
    if col.kind == "text":
        return xlsx_text_values(ws, series)
    if col.kind == "wrap":
        return [text_cell(ws, "" if _missing(v) else str(v), alignment=WRAP_TOP)
                for v in series]
    if col.kind == "figure":
        return _figures(ws, frame, col)
    if col.kind == "status":
        rag = frame.get("rag", pd.Series("", index=frame.index)).fillna("")
        return [text_cell(ws, str(w), fill=RAG_FILLS[r]) if r in RAG_FILLS else
                (None if _missing(w) else str(w)) for w, r in zip(series, rag, strict=True)]
    raw = series.astype(object).where(series.notna(), None).tolist()
    if col.kind == "int":
        return [None if v is None else int(v) for v in raw]
    formats = {"pct": PERCENT_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT,
               "float": "0.0"}

    def shown(value: Any) -> Any:
        if not _missing(value):
            return cell(ws, value, number_format=formats[col.kind])
        return text_cell(ws, col.missing, alignment=RIGHT) if col.missing else None

    return [shown(v) for v in raw]


# A recommendation's figure: a percentage where it has one (a number Excel can chart), else
# its words ("2 of 3 done", "Not measured yet").
FIGURE_NUMBERS = {"figure": "value_pct", "on_deadline": "on_deadline_pct"}


def _figures(ws: Sheet, frame: pd.DataFrame, col: Column) -> list[Any]:
    numbers = pd.to_numeric(frame[FIGURE_NUMBERS[col.key]], errors="coerce")
    return [text_cell(ws, "" if _missing(words) else str(words), alignment=RIGHT)
            if pd.isna(pct) else cell(ws, float(pct) / 100, number_format=PERCENT_FORMAT)
            for words, pct in zip(frame[col.key], numbers, strict=True)]


def _emphasise(ws: Sheet, values: list[Any], **style: Any) -> list[Any]:
    out = []
    for value in values:
        target = value if isinstance(value, Cell) else cell(ws, value)
        for name, setting in style.items():
            if name != "fill" or target.fill.fill_type is None:  # keep a status colour
                setattr(target, name, setting)
        out.append(target)
    return out


# --- sheet frame: title, header, print set-up -------------------------------------------


def _sheet(wb: Workbook, name: str, data: ReportData, columns: Sequence[Column],
           freeze: bool = True) -> Sheet:
    ws = wb.create_sheet(name)
    for i, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    if freeze:
        ws.freeze_panes = "A5"
    _print_setup(ws, data)
    return ws


def _print_setup(ws: Sheet, data: ReportData) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.7
    ws.print_options.horizontalCentered = False
    footer = ws.HeaderFooter.oddFooter
    footer.left.text = _hf(f"{data.title}, as of {long_date(data.as_of)}")
    footer.left.size = 8
    footer.center.text = "Page &P of &N"
    footer.center.size = 8
    footer.right.text = "&A"
    footer.right.size = 8


def _hf(text: str) -> str:
    """Header/footer text with '&' escaped (it starts a control code there)."""
    return text.replace("&", "&&")


def _heading(ws: Sheet, title: str, note: str, data: ReportData) -> None:
    """Rows 1-3: the sheet title, its scope line and a note; the table header is row 4."""
    ws.append([text_cell(ws, title, font=TITLE_FONT)])
    ws.append([text_cell(ws, _scope_line(data), font=NOTE_FONT)])
    ws.append([text_cell(ws, note, font=NOTE_FONT) if note else None])


def _scope_line(data: ReportData) -> str:
    parts = [f"As of {long_date(data.as_of)}", "Forces: " + (", ".join(data.forces) or "none")]
    if data.departments:
        parts.append("Departments: " + ", ".join(data.departments))
    if data.pseudonymised:
        parts.append("Pseudonymised: no names, emails or staff numbers")
    return ". ".join(parts) + "."


def _header_height(columns: Sequence[Column]) -> float:
    """Points for a header row tall enough for its wrapped titles (bold, about 1.1
    characters per unit of column width)."""
    lines = max(len(_wrap(c.header, max(int(c.width / 1.15), 4))) for c in columns)
    return 15.0 * lines + 2


def _header_row(ws: Sheet, columns: Sequence[Column], row: int = 4) -> None:
    ws.row_dimensions[row].height = _header_height(columns)
    ws.append([text_cell(ws, c.header, font=BOLD, fill=HEADER_FILL, border=HEADER_BORDER,
                         alignment=HEADER_ALIGN) for c in columns])


def _table(ws: Sheet, frame: pd.DataFrame, columns: Sequence[Column], empty: str,
           emphasis: Callable[[pd.DataFrame], pd.Series] | None = None) -> int:
    """Write the header row and one row per frame row; returns the last row written."""
    _header_row(ws, columns)
    header = 4
    if frame.empty:
        ws.append([text_cell(ws, empty, font=NOTE_FONT)])
        return header + 1
    bold = (emphasis(frame).to_numpy() if emphasis is not None
            else np.zeros(len(frame), dtype=bool))
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start:start + CHUNK_ROWS]
        values = [_column_values(ws, chunk, c) for c in columns]
        for i, row in enumerate(zip(*values, strict=True), start):
            ws.append(_emphasise(ws, list(row), font=BOLD, fill=TOTAL_FILL) if bold[i]
                      else list(row))
    last = header + len(frame)
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{last}"
    ws.print_title_rows = f"{header}:{header}"
    return last


def _notes(ws: Sheet, lines: Sequence[str], title: str = "") -> None:
    ws.append([])
    if title:
        ws.append([text_cell(ws, title, font=SECTION_FONT)])
    for line in lines:
        for part in _wrap(line):
            ws.append([text_cell(ws, part)])


def _wrap(text: str, width: int = WRAP_AT) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False) or [""]


# --- the sheets -------------------------------------------------------------------------

EVIDENCE = [
    _column("file_name", 36), _column("kind", 16),
    _column("force", 30, shows="force_name"), _column("imported_at", 18, "datetime"),
    _column("imported_by", 16), _column("rows_read", 9, "int"),
    _column("rows_accepted", 9, "int"),
    _column("rows_rejected", 9, "int"), _column("sha256", 68),
]


def _cover(wb: Workbook, name: str, data: ReportData) -> None:
    ws = _sheet(wb, name, data, EVIDENCE, freeze=False)
    rows: list[list[Any]] = [[text_cell(ws, data.title, font=Font(bold=True, size=18))], []]
    rows += [[text_cell(ws, label, font=BOLD), cell(ws, value)]
             for label, value in _cover_facts(data)]
    for req in data.requirements:
        rows += _requirement_block(ws, req)
    rows += [[], [text_cell(ws, "Evidence trail: every committed import batch",
                            font=SECTION_FONT)]]
    for row in rows:
        ws.append(row)
    _header_row(ws, EVIDENCE, len(rows) + 1)
    if data.evidence.empty:
        ws.append([text_cell(ws, "No import batch has been committed.", font=NOTE_FONT)])
    values = [_column_values(ws, data.evidence, c) for c in EVIDENCE]
    for values_row in zip(*values, strict=True):
        ws.append(list(values_row))


def _cover_facts(data: ReportData) -> list[tuple[str, Any]]:
    return [
        ("Forces", ", ".join(data.forces) or "none"),
        ("Departments", ", ".join(data.departments) or "All departments"),
        ("Coverage as of", long_date(data.as_of)),
        ("Generated at (UTC)", f"{long_date(data.generated_at)} {data.generated_at:%H:%M}"),
        ("Generated by", data.generated_by),
        ("People shown as", "pseudonyms (no names, emails or staff numbers)"
         if data.pseudonymised else "names and staff numbers (OFFICIAL-SENSITIVE)"),
    ]


def _requirement_block(ws: Sheet, req: RequirementInfo) -> list[list[Any]]:
    rows: list[list[Any]] = [[], [text_cell(ws, f"Requirement: {req.title}",
                                            font=SECTION_FONT)]]
    facts: list[tuple[str, str]] = [
        ("Reference", req.reference or "-"),
        ("Who is in scope", req.scope),
        ("Modules to complete", "; ".join(req.modules)),
        ("Deadline", long_date(req.deadline)),
        ("Not yet due", f"people who joined less than {req.grace_days} days before the "
         "as-of date" if req.grace_days else "none: everyone in scope is due"),
    ]
    if req.valid_months:
        facts.append(("Valid for", f"{req.valid_months} months after completion"))
    if req.description:
        facts.append(("In words", req.description))
    for label, text in facts:
        rows += [[text_cell(ws, label, font=BOLD) if i == 0 else None, text_cell(ws, part)]
                 for i, part in enumerate(_wrap(text))]
    return rows


SUMMARY = [
    _column("requirement", 34), _column("deadline", 12, "date"),
    _column("in_scope", 9, "int"), _column("exempt", 8, "int"),
    _column("completed_on_time", 11, "int"),
    _column("completed_late", 10, "int"),
    _column("not_yet_due", 9, "int"),
    _column("outstanding", 12, "int"), _column("coverage", 10, "pct"),
    _column("coverage_on_deadline", 11, "pct", "deadline to come"),
    _column("status", 14, "status", shows="status_on_deadline"),
    _column("forecast_date", 13, "date", "no forecast"),
    _column("weekly_needed", 15, "float", "deadline passed"),
]


def _summary(wb: Workbook, name: str, data: ReportData) -> None:
    ws = _sheet(wb, name, data, SUMMARY)
    _heading(ws, "Summary: coverage against the deadline", "Coverage = completed (on time "
             "or late) / (completed + outstanding); exempt and not-yet-due people are counted "
             "apart.", data)
    _table(ws, data.summary, SUMMARY, "No requirement selected.")
    lines = [f"{row.requirement}: {row.rag_reason}" for row in data.summary.itertuples()]
    rules = list(dict.fromkeys(data.summary["rag_rule"])) if not data.summary.empty else []
    _notes(ws, [*lines, *rules], "How the status is decided")


RECOMMENDATIONS = [
    _column("recommendation", 6, "int"), _column("title", 20, "wrap"),
    _column("wording", 44, "wrap"), _column("deadline", 12, "date"),
    _column("measure", 34, "wrap"), _column("figure", 11, "figure"),
    _column("on_deadline", 11, "figure"),
    _column("status", 15, "status"), _column("reason", 36, "wrap", shows="status_reason"),
    _column("rule", 48, "wrap"), _column("evidence", 34, "wrap"),
]


def _recommendations(wb: Workbook, name: str, data: ReportData) -> None:
    ws = _sheet(wb, name, data, RECOMMENDATIONS)
    whole = " The figures are the whole force's, whatever departments the other sheets " \
        "hold." if data.departments else ""
    _heading(ws, "Progress against the HMICFRS recommendations", "Each recommendation in "
             f"HMICFRS's words, its measure, the figure on {long_date(data.as_of)} and on its "
             "deadline once passed, its status with the rule that decides it, and where the "
             f"evidence is.{whole}", data)
    _table(ws, data.recommendations, RECOMMENDATIONS, "No recommendation to show.")


RANK_DEPARTMENT = [
    _column("requirement", 32), _column("rank", 20, shows="rank_or_grade"),
    _column("department", 20, shows="department_label"), _column("in_scope", 12, "int"),
    _column("exempt", 12, "int"), _column("completed", 12, "int"),
    _column("not_yet_due", 12, "int"),
    _column("outstanding", 12, "int"), _column("coverage", 12, "pct"),
    _column("status", 26, "status", shows="status_on_pace"),
]


def _by_rank_department(wb: Workbook, name: str, data: ReportData) -> None:
    ws = _sheet(wb, name, data, RANK_DEPARTMENT)
    _heading(ws, "Coverage by rank and department", "Shaded rows are totals: each rank over "
             "all departments, each department over all ranks, then all (as on the Summary).",
             data)
    frame = data.by_rank_department
    last = _table(ws, frame, RANK_DEPARTMENT, "No one is in scope.",
                  emphasis=lambda f: f["level"] != "detail")
    if not frame.empty:
        ws.conditional_formatting.add(f"I5:I{last}", ColorScaleRule(
            start_type="num", start_value=0, start_color="F8696B",
            mid_type="num", mid_value=0.5, mid_color="FFEB84",
            end_type="num", end_value=1, end_color="63BE7B"))
    _notes(ws, [*data.group_rules, "Groups of fewer than ten people in scope are marked small "
                "group: read their percentage with care."])


MATRIX_WIDTH = 15.0


def _matrix(wb: Workbook, name: str, data: ReportData) -> None:
    """One rank x department matrix per requirement: in each cell the coverage, the status
    in words and 'completed of due', in the status colour."""
    frame = data.by_rank_department
    widest = max([frame.groupby("requirement")["department"].nunique().max()]
                 if not frame.empty else [1])
    columns = [Column("rank", "", 24), *[Column(f"d{i}", "", MATRIX_WIDTH)
                                          for i in range(int(widest))]]
    ws = _sheet(wb, name, data, columns, freeze=False)
    _heading(ws, "Coverage matrix: rank (rows) by department (columns)", "Each cell: "
             "coverage, its status in words (* small group) and completed of those due "
             "(completed + outstanding). The numbers are those of the sheet before.", data)
    if frame.empty:
        ws.append([text_cell(ws, "No one is in scope.", font=NOTE_FONT)])
    for title, block in frame.groupby("requirement", sort=False):
        _matrix_block(ws, str(title), block)


def _matrix_block(ws: Sheet, title: str, block: pd.DataFrame) -> None:
    ranks = [*block.loc[block["level"] == "rank total", "rank"], "All ranks"]
    departments = [*block.loc[block["level"] == "department total", "department"],
                   "All departments"]
    rows = {(r.rank, r.department): r for r in block.itertuples()}
    ws.append([])
    ws.append([text_cell(ws, title, font=SECTION_FONT)])
    ws.append([text_cell(ws, "Rank or grade", font=BOLD, fill=HEADER_FILL,
                         border=HEADER_BORDER),
               *[text_cell(ws, d, font=BOLD, fill=HEADER_FILL, border=HEADER_BORDER,
                           alignment=Alignment(horizontal="right", shrink_to_fit=True))
                 for d in departments]])
    for rank in ranks:
        found = [rows.get((rank, d)) for d in departments]
        bold = {"font": BOLD} if rank == "All ranks" else {}
        ws.append([text_cell(ws, rank, **bold), *[_glance_pct(ws, r, bold) for r in found]])
        ws.append([None, *[_glance_words(ws, r) for r in found]])
        ws.append([None, *[_glance_counts(ws, r) for r in found]])


def _glance_pct(ws: Sheet, row: Any, style: dict[str, Any]) -> Any:
    if row is None:
        return None
    if _missing(row.coverage):
        return text_cell(ws, "-", alignment=RIGHT, **style)
    fill = {"fill": RAG_FILLS[row.rag]} if row.rag in RAG_FILLS else {}
    return cell(ws, float(row.coverage), number_format="0%", **fill, **style)


def _glance_words(ws: Sheet, row: Any) -> Any:
    if row is None:
        return None
    words = str(row.status).replace(" (small group)", "*").lower()
    fill = {"fill": RAG_FILLS[row.rag]} if row.rag in RAG_FILLS else {}
    return text_cell(ws, words, font=NOTE_FONT, alignment=RIGHT, **fill)


def _glance_counts(ws: Sheet, row: Any) -> Any:
    if row is None:
        return None
    fill = {"fill": RAG_FILLS[row.rag]} if row.rag in RAG_FILLS else {}
    return text_cell(ws, f"{row.completed} of {row.completed + row.outstanding}",
                     font=SMALL_FONT, alignment=RIGHT, border=CELL_BOTTOM, **fill)


TREND = [
    _column("requirement", 30), _column("week_ending", 12, "date"),
    _column("in_scope", 9, "int"), _column("completed", 10, "int"),
    _column("coverage", 10, "pct"), _column("needed", 10, "pct"),
]


def _trend(wb: Workbook, name: str, data: ReportData) -> None:
    ws = _sheet(wb, name, data, TREND)
    _heading(ws, "Trend: weekly coverage against the needed trajectory",
             "Needed trajectory: the straight line from today's coverage to 100% on the "
             "deadline.", data)
    frame = data.trend
    _table(ws, frame, TREND, "No weeks to show.")
    for i, (_rid, block) in enumerate(frame.groupby("requirement_id", sort=False)):
        first, last = 5 + int(block.index[0]), 5 + int(block.index[-1])
        ws.add_chart(_trend_chart(ws, str(block["requirement"].iloc[0]), first, last),
                     f"H{5 + i * 22}")


def _trend_chart(ws: Sheet, title: str, first: int, last: int) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = "Coverage"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.x_axis.number_format = "dd mmm"
    chart.x_axis.title = "Week ending"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 9, 18
    chart.add_data(Reference(ws, min_col=5, max_col=6, min_row=first, max_row=last),
                   titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    names = (heading(column, "workbook") for column in ("coverage", "needed"))
    for series, name in zip(chart.series, names, strict=True):
        series.tx = SeriesLabel(v=name)
        series.smooth = False
    chart.series[1].graphicalProperties.line.dashStyle = "dash"
    return chart


def _person_columns(data: ReportData, extra: list[Column]) -> list[Column]:
    who = ([_column("name", 13, shows="pseudonym")] if data.pseudonymised else
           [_column("staff_number", 11), _column("name", 24)])
    return [_column("requirement", 31), _column("force", 30, shows="force_name"),
            _column("department", 17, shows="department_label"), *extra[:1],
            _column("rank", 17, shows="rank_label"),
            *who, *extra[1:]]


def _outstanding(wb: Workbook, name: str, data: ReportData) -> None:
    columns = _person_columns(data, [_column("unit", 22)])
    columns.insert(4, _column("line_manager", 20, shows="line_manager_name"))
    columns.append(_column("modules_missing", 36))
    ws = _sheet(wb, name, data, columns)
    _heading(ws, f"Outstanding: {len(data.outstanding):,} still to complete, by person and "
             "requirement",
             "Use the filter buttons to choose a department, unit or line manager.", data)
    _table(ws, data.outstanding, columns, "No one is outstanding.")


def _exemptions(wb: Workbook, name: str, data: ReportData) -> None:
    columns = _person_columns(data, [])
    columns += [_column("reason", 40), _column("starts_on", 12, "date"),
                _column("ends_on", 12, "date"), _column("recorded_by", 16)]
    ws = _sheet(wb, name, data, columns)
    count = len(data.exemptions)
    _heading(ws, f"Exemptions: {count:,} {'person' if count == 1 else 'people'} excused",
             "Exempt people are in scope but counted apart, never silently dropped.", data)
    _table(ws, data.exemptions, columns, "No one is exempt.")


QUALITY = [
    _column("section", 46), _column("item", 40),
    _column("count", 9, "int"), _column("next_step", 64),
]


def _quality(wb: Workbook, name: str, data: ReportData) -> None:
    ws = _sheet(wb, name, data, QUALITY)
    _heading(ws, "Data quality: what the source files could not tell us",
             "These rows are outside the coverage figures until they are resolved.", data)
    _table(ws, data.quality, QUALITY, "Nothing to resolve: no unmatched learners, import "
           "problems or unmapped values.")


# The workbook's sheets in order: a name and the function that writes it. Adding a sheet
# touches this table and nothing else.
SHEETS: tuple[tuple[str, Callable[[Workbook, str, ReportData], None]], ...] = (
    ("Cover", _cover), ("Recommendations", _recommendations), ("Summary", _summary),
    ("By rank and department", _by_rank_department),
    ("Rank x department", _matrix), ("Trend", _trend), ("Outstanding", _outstanding),
    ("Exemptions", _exemptions), ("Data quality", _quality),
)


def sheet_names() -> list[str]:
    return [name for name, _writer in SHEETS]

