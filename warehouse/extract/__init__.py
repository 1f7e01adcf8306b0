"""Reports in, figures out: a commune's narrative report (.docx, PDF with text, .txt) read into the datasets' rows.

    from warehouse.extract import extract_report, write_workbook
    extraction = extract_report(Path("bao_cao.pdf"))          # parsed in the sandbox's limited child process
    extraction.used, extraction.not_used                      # Figure: dataset, column, value, period, sentence, why
    write_workbook(extraction, Path("so_lieu.xlsx"))          # one sheet per dataset (Vietnamese headers) + every figure
    figures_frame(extraction), dataset_frames(extraction)     # the same as DataFrames, for a page to show side by side

Modules: read (what the file is, limits) → word / pdf / plain (blocks of text) → text (passages, sentences)
→ units (whose report) · periods · numbers · phrases (the one table of words → columns) → figures (the
rules) → review (what `load` takes) → workbook. run.extract_report ties them together.
"""

from warehouse.extract.model import NOT_USED, USED, Extraction, Figure, Period, Unit
from warehouse.extract.run import extract_report, summary
from warehouse.extract.workbook import dataset_frames, figures_frame, write_workbook

__all__ = ["NOT_USED", "USED", "Extraction", "Figure", "Period", "Unit", "dataset_frames", "extract_report", "figures_frame",
           "summary", "write_workbook"]
