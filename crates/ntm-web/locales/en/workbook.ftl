# Excel round trip pages. Every key here must also be in vi/workbook.ftl.

workbook-title = Excel import and export
workbook-intro = Download the Excel template pre-filled with the current values, fill in the yellow cells and upload the file. Before anything is written, NTM Số shows a preview of every change and every bad cell.
workbook-choose = Choose a criteria set and year
workbook-set = Criteria set
workbook-year = Year
workbook-version = version
workbook-show = Show
workbook-no-sets = No criteria set applies to this unit in the chosen year.
workbook-download = Download
workbook-template-link = Download the Excel template
workbook-results-link = Download the evaluation results (XLSX)
workbook-template-hint = The template has one row per unit and one column per indicator; do not edit the first row (NTM Số uses it to recognise the set, version and year).
workbook-upload = Upload a filled template
workbook-file = Excel or CSV file
workbook-file-hint = An .xlsx file (or a .csv with the same layout) downloaded from this page. Nothing is written until you confirm in the preview.
workbook-preview-submit = Preview the changes
workbook-refused-title = This file cannot be used
workbook-error-no-file = Please choose an Excel (.xlsx) or CSV file.
workbook-error-not-spreadsheet = The file is not an Excel workbook (.xlsx) or a CSV file.
workbook-error-empty = The file is empty.
workbook-error-unreadable = The file cannot be read, or it is not a template downloaded from NTM Số (its first row must start with “ntm-observations/1”).
workbook-error-several-sets = Import one criteria set per file; the file has the sheets: { $value }.
workbook-error-unknown-set = There is no criteria set “{ $value }”.
workbook-error-year-outside = Criteria set { $set } does not apply to { $year }.
workbook-error-other-version = The file is a template of version { $found } of criteria set { $set }, but version { $current } is now used. Please download a new template.
workbook-error-no-values = No value is filled in.
workbook-error-unit-level = This criteria set evaluates { $value } units; upload it on the page of such a unit or of a unit above.
workbook-error-year = “{ $value }” is not a valid year.
workbook-error-no-set = Please choose a criteria set and a year.
workbook-error-set-year = Criteria set { $set } does not apply to { $year }.
workbook-preview-title = Preview of the changes
workbook-preview-nothing-written = Nothing has been written yet. Check the changes below, then press “Apply”.
workbook-counts = Summary
workbook-count-changed = Changes
workbook-count-new = New values
workbook-count-unchanged = Unchanged
workbook-count-bad = Bad cells
workbook-bad-title = Bad cells
workbook-bad-hint = These cells will not be applied. Correct the file and upload it again, or choose “apply only the valid rows”.
workbook-col-cell = Cell
workbook-col-unit = Unit
workbook-col-indicator = Indicator
workbook-col-value = Value in the file
workbook-col-problem = Problem
workbook-col-current = Current value
workbook-col-new = New value
workbook-col-now = Value now
workbook-col-by = Changed by
workbook-changes-title = Changes by unit
workbook-no-changes = The file has no value that differs from the current ones.
workbook-unit-changes = { $n ->
    [one] { $count } change
   *[other] { $count } changes
}
workbook-new-tag = new
workbook-apply-title = Apply
workbook-expires = The upload is kept for applying until { $value }.
workbook-apply-valid = Apply only the valid rows
workbook-apply-valid-hint = Otherwise a file with bad cells is not applied (no value is written).
workbook-apply-submit = Apply
workbook-nothing-to-apply = There is nothing to apply.
workbook-back = Back to Excel import and export
workbook-applied-title = The file was applied.
workbook-applied-summary = Values written: { $written } ({ $changed } changed, { $new } new) in { $units } units. Unchanged cells: { $unchanged }. Bad cells skipped: { $skipped }.
workbook-see-dashboard = See the dashboard
workbook-see-scorecard = See the scorecard
workbook-unknown-title = Upload not found
workbook-expired-title = The upload has expired
workbook-already-title = The file was already applied
workbook-stale-title = Values have changed
workbook-error-unknown-upload = This upload cannot be found. Please upload the file again.
workbook-error-expired = The upload expired at { $value }; no value was written. Please upload the file again.
workbook-error-not-yours = Only the person who uploaded this file can apply it.
workbook-error-other-unit = This file was uploaded on the page of unit { $value }.
workbook-error-already-applied = This file was already applied by { $by } at { $at }; nothing more was written this time.
workbook-error-bad-cells = { $n ->
    [one] The file has { $count } bad cell, so no value was written. Correct the file and upload it again, or choose “apply only the valid rows”.
   *[other] The file has { $count } bad cells, so no value was written. Correct the file and upload it again, or choose “apply only the valid rows”.
}
workbook-error-stale = { $n ->
    [one] { $count } value was changed by someone else after your preview, so no value was written. Preview again to see the latest values.
   *[other] { $count } values were changed by someone else after your preview, so no value was written. Preview again to see the latest values.
}
workbook-stale-list = Values that changed
workbook-preview-again = Preview again
workbook-bad-no-unit = The row has values but no unit code.
workbook-bad-unknown-unit = There is no unit with code { $unit } in { $year }.
workbook-bad-level = Unit { $unit } is a { $level } unit, not of the level the set evaluates.
workbook-bad-outside = Unit { $value } is not under the unit of this page.
workbook-bad-scope = You may not enter values for unit { $value }.
workbook-bad-repeated = Unit { $unit }, indicator { $code } is already given in cell { $first }.
workbook-bad-indicator = There is no indicator “{ $value }” in the criteria set.
workbook-bad-indicator-suggest = There is no indicator “{ $code }” (did you mean { $suggestion }?).
workbook-bad-computed = Indicator { $value } is computed, not entered.
workbook-bad-kind = Indicator { $code } takes a { $kind } value.
workbook-kind-boolean = met/not met
workbook-kind-percent = percentage
workbook-kind-number = number
workbook-kind-count = whole number
workbook-kind-level = level
workbook-bad-empty = The cell has no value.
workbook-bad-not-number = “{ $value }” is not a number.
workbook-bad-not-boolean = “{ $value }” is not met/not met (Đạt/Không đạt, Có/Không).
workbook-bad-over-100 = “{ $value }” is more than 100 %.
workbook-bad-negative = “{ $value }” is negative.
workbook-bad-not-whole = “{ $value }” is not a whole number.
