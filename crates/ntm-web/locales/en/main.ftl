# English interface of NTM Số.
# Every key here must also be in vi/main.ftl (a test compares the two files).

## Page frame

app-tagline = Digital transformation of the New Countryside programme
nav-skip = Skip to main content
nav-tools = Account and language
nav-language = Language
nav-login = Log in
nav-logout = Log out
nav-home = Home
nav-search = Find an administrative unit
nav-breadcrumbs = Breadcrumbs
footer-about = NTM Số — an open-source platform for the digital transformation of the New Countryside programme. Administrative units follow the official statistics office list.
footer-api = API documentation
scope-country = Whole country

## Roles

role-admin = System administrator
role-province-officer = Province officer
role-department-officer = Department officer
role-district-officer = District officer
role-commune-officer = Commune officer
role-producer = Producer
role-viewer = Viewer
role-tourism-editor = Tourism editor

## Levels and unit counts

level-province = Province
level-district = District
level-commune = Commune
level-hamlet = Hamlet
count-province = { $n ->
    [one] { $count } province or city
   *[other] { $count } provinces and cities
}
count-district = { $n ->
    [one] { $count } district
   *[other] { $count } districts
}
count-commune = { $n ->
    [one] { $count } commune or ward
   *[other] { $count } communes and wards
}
count-hamlet = { $n ->
    [one] { $count } hamlet
   *[other] { $count } hamlets
}

## Reorganisation of units

lineage-merge = Merged whole
lineage-split = Merged in part
lineage-rename = Renamed
lineage-unchanged = Unchanged
lineage-reorganize = Reorganised

## Socio-economic regions

region-TDMNPB = Northern Midlands and Mountains
region-DBSH = Red River Delta
region-BTB = North Central
region-DHNTB = South Central Coast
region-TN = Central Highlands
region-DNB = Southeast
region-DBSCL = Mekong River Delta

## Validity

validity-always = Valid (start unknown)
validity-from = from { $value }
validity-until = until { $value }
validity-range = from { $from } until { $to }

## Table columns

col-code = Code
col-name = Name
col-kind = Type
col-level = Level
col-region = Socio-economic region
col-validity = Validity
col-valid-from = Valid from
col-valid-to = Valid until

## Home page

home-title = Home
home-heading = A digital platform for the New Countryside programme
home-intro = NTM Số is an open-source platform that helps provinces run the digital transformation of the National Target Programme on New Rural Development: criteria tracking, recognition dossiers, citizen satisfaction surveys, OCOP products and traceability.
home-intro-units = The list of administrative units keeps every change over time, including the reorganisation in force from 1 July 2025. Pick a date to see the structure on that day.
home-tools = Search
home-counts-today = Administrative units today
home-counts-on = Administrative units on { $value }
home-provinces = Provinces and centrally governed cities
home-no-units = There are no administrative units for this date yet.

## Search

search-title = Find an administrative unit
search-label = Search by name or code
search-placeholder = For example: Càng Long or 84
search-button = Search
search-hint = Diacritics are optional, e.g. "cang long".
search-date-label = On date (empty: any date)
search-none = No unit matches.
search-found = { $n ->
    [one] { $count } unit found
   *[other] { $count } units found
}
search-invalid = Type at least one letter or digit (100 characters at most).
date-label = Show a date
date-button = Show
date-today = Back to today
date-hint = For example, on 01/01/2024 there were 63 provinces; from 01/07/2025 there are 34.

## Unit page

unit-code = code
unit-shown-today = As of today.
unit-shown-on = As of { $value }.
unit-facts = Overview
unit-region-none = Not set
unit-other-date = Show another date
unit-children = { $n ->
    [one] Subordinate units ({ $count })
   *[other] Subordinate units ({ $count })
}
unit-no-children = No subordinate units on this date.
unit-download-xlsx = Download XLSX
unit-lineage = Reorganisation history
unit-formed-from = Formed from
unit-merged-into = Merged into
unit-effective = effective { $value }
unit-versions = Versions of this code
unit-versions-hint = The same code may have named different units over time.
unit-version-shown = shown

## Hamlets

hamlet-kind-ap = Ấp (hamlet)
hamlet-kind-thon = Thôn (village)
hamlet-kind-xom = Xóm (hamlet)
hamlet-kind-ban = Bản (village)
hamlet-kind-buon = Buôn (village)
hamlet-kind-khom = Khóm (neighbourhood)
hamlet-kind-to-dan-pho = Tổ dân phố (residential group)
hamlet-add-title = Add a hamlet
hamlet-name = Hamlet name
hamlet-kind = Type
hamlet-code = Code (optional)
hamlet-code-hint = Leave empty to number it automatically: { $value }-01, { $value }-02…
hamlet-add-submit = Add
hamlet-import-title = Import a list from a file
hamlet-import-file = CSV or XLSX file
hamlet-import-hint = The first row holds the column names: code, name, kind (or mã, tên, loại). The code may be empty.
hamlet-import-submit = Upload and import
hamlet-error-name = Enter the hamlet's name.
hamlet-error-name-long = The name is too long (200 characters at most).
hamlet-error-kind = Pick a type from the list.
hamlet-error-conflict = Code already in use
form-has-errors = Nothing was saved. Please fix the following:
import-rejected = The file was not imported and nothing changed. Fix these rows and upload it again:
import-error-no-file = Choose a CSV or XLSX file.
import-error-encoding = The CSV file is not UTF-8. In Excel, save it as "CSV UTF-8".
import-error-csv = The CSV file cannot be read at line { $value }.
import-error-spreadsheet = The spreadsheet cannot be read. Please check the file.
import-error-other-commune = The file has rows for another unit (code { $value }). Only import this commune's hamlets.
flash-added = { $n ->
    [one] Added { $count } hamlet.
   *[other] Added { $count } hamlets.
}
flash-imported = { $n ->
    [one] Imported { $count } hamlet.
   *[other] Imported { $count } hamlets.
}
flash-unchanged = { $n ->
    [one] { $count } row matched existing data and was left as is.
   *[other] { $count } rows matched existing data and were left as is.
}

## Field names in error messages

field-line = Line { $value }
field-name = Name
field-kind = Type
field-code = Code
field-commune-code = Commune code
field-date = Date
field-file = File
field-note = Note
field-q = Search text
field-username = Username
field-password = Password
field-limit = Result limit

## Login

login-title = Log in
login-username = Username
login-password = Password
login-submit = Log in
login-help = Forgot your password? Ask your organisation's system administrator.
login-expired = Your session has expired. Please log in again.
login-already = You are logged in as { $value }.
login-missing = Enter your username and password.
login-wrong = Wrong username or password.
login-too-many = Too many failed attempts. Try again in { $wait } (around { $time }).
retry-in-minutes = { $n ->
    [one] { $count } minute
   *[other] { $count } minutes
}

## Error pages

error-status = Error
error-request-id = Request id (quote it when contacting support):
error-home = Back to the home page
error-retry = Try again in { $value }.
error-bad-date = "{ $value }" is not a valid date. Use year-month-day or day/month/year.
error-unit-not-found = There is no administrative unit with code { $value } on the chosen date.
error-hamlets-forbidden = Your account may not change the hamlets of { $value }.
error-bad-request-title = Bad request
error-bad-request-text = The request is not valid. Check the address or what you entered.
error-unauthorized-title = Login required
error-unauthorized-text = Please log in to continue.
error-session-expired-title = Session expired
error-session-expired-text = Your session has expired. Please log in again.
error-forbidden-title = Access denied
error-forbidden-text = Your account may not do this.
error-csrf-title = Invalid form session
error-csrf-text = The form session is not valid. Please reload the page and try again.
error-not-found-title = Not found
error-not-found-text = The page or data you asked for does not exist.
error-method-not-allowed-title = Action not supported
error-method-not-allowed-text = This address does not support that action.
error-conflict-title = Conflict
error-conflict-text = The data already exists or was just changed by someone else.
error-payload-too-large-title = File too large
error-payload-too-large-text = What you sent is larger than allowed.
error-unsupported-media-type-title = Unsupported format
error-unsupported-media-type-text = The format of what you sent is not supported.
error-validation-title = Invalid input
error-validation-text = Some of what you entered is not valid. Please check it.
error-too-many-requests-title = Too many requests
error-too-many-requests-text = You sent too many requests.
error-internal-title = System error
error-internal-text = Something unexpected went wrong. Please try again later or contact support.
error-unavailable-title = Temporarily unavailable
error-unavailable-text = The system cannot serve requests right now. Please try again in a few minutes.

## API documentation

docs-title = API documentation
docs-spec = OpenAPI document (JSON):
docs-contents = Operations
docs-parameters = Parameters
docs-param-name = Name
docs-param-in = In
docs-param-required = Required
docs-param-description = Description
docs-yes = Yes
docs-no = No
docs-body = Request body
docs-responses = Responses
unit-region-unverified = not yet checked against a source
unit-region-unverified-title = The province-to-region assignment follows the statistics office regions and has not yet been checked against a cited legal text

## Navigation and the unit tree
nav-main = Main navigation
nav-scorecard = Scorecard
nav-dashboard = Dashboard
nav-workbook = Excel import and export
unit-work = New Countryside evaluation
tree-heading = Unit tree
tree-hint = Open a unit to see the units under it; click a name to open the unit's page.
tree-none = No unit is assigned to this account.
tree-title = Units under { $value }
tree-crumb = Unit tree
tree-open-children = See the units under { $value }
tree-open-page = Open the page of { $value }
