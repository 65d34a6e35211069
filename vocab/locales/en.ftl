your-session-has-ended-please-sign = Your session has ended: please sign in again.
you-do-not-have-permission-to = You do not have permission to see this page.
there-is-nothing-at-this-address = There is nothing at this address.
something-went-wrong-on-the-server = Something went wrong on the server; please try again.
customers = Customers
show-the-console-in-french = Show the console in French
loading = Loading…
sign-in = Sign in
skip-to-content = Skip to content
search = Search
search-placeholder = Search… ( / )
sign-out = Sign out
main = Main
overview = Overview
licences = Licences
orders = Orders
events = Events
stuck-work = Stuck work
offerings = Offerings
exchanges = Exchanges
audit-log = Audit log
administration = Administration
credentials = Credentials
orange-settings = Orange settings
delivery-settings = Delivery settings
api-reference = API reference
operators = Operators
keyboard-shortcuts = Keyboard shortcuts
the-start-date-is-not-a = The start date is not a date (YYYY-MM-DD).
the-end-date-is-not-a = The end date is not a date (YYYY-MM-DD).
the-start-date-is-after-the = The start date is after the end date.
who-did-what-to-which-object = Who did what to which object, and when: every console, command-line and Orange action, with what it changed.
actor = Actor
username-id-orange-cli = username, id, orange, cli…
action = Action
object-type = Object type
object-id = Object id
from = From
to = To
filter = Filter
clear = Clear
audit-filter-help = Dates are UTC days, both included. The actor is an operator’s username or id, an API credential’s id, or a kind: orange, cli, system.
no-older-entries = No older entries.
the-audit-log-is-empty = The audit log is empty.
no-entry-matches-these-filters = No entry matches these filters.
date = When
object = Object
changes = Changes
pages = Pages
newest-f = Newest
older-entries = Older entries
no-recorded-change = No recorded change
request-technical = Request
field = Field
before = Before
after = After
value = (value)
end-users = End users
preview = Preview
applying = Applying
bulk-file-applied = Applied
discarded = Discarded
ready = Ready
nothing-to-do = Nothing to do
problem = Problem
bulk-line-applied = Applied
refused = Refused
not-a-valid-value = Not a valid value.
no-licence-given-the-licence-column = No licence given: the licence column is empty.
no-licence-has-this-id-or = No licence has this id or login.
the-licence-is-terminated-and-can = The licence is terminated and can no longer change.
orange-operation-in-progress = An operation from Orange is in progress on this licence; send this line again once it is done.
unknown-resource-type-use-msisdn-imei = Unknown resource type: use msisdn, imei, email or url.
the-licence-has-no-realizing-resource = The licence has no realizing resource of this type.
the-licence-has-several-realizing-resources = The licence has several realizing resources: say which in the type column.
the-given-name-is-required = The given name is required.
the-family-name-is-required = The family name is required.
the-e-mail-address-is-not = The e-mail address is not valid.
the-mobile-number-needs-both-a = The mobile number needs both a country code (1 to 3 digits) and a number (up to 14 digits), or neither.
nothing-to-change-that-is-already = Nothing to change: that is already the current value.
no-value-given-the-line-is = No value given: the line is skipped.
bulk-changes = Bulk changes
back-to-licences = ← Licences
replace-realizing-resources-or-assign-end = Replace realizing resources or assign end users for many licences at once, from a CSV file. The file is checked first and nothing changes until you apply it; each change then reaches Orange as its own event.
your-role-lets-you-look-at = Your role lets you look at the files, not upload or apply them.
csv-file = CSV file
check-the-file = Check the file
bulk-file = Bulk file
back-to-bulk-changes = ← Bulk changes
preview-nothing-has-changed-yet-check = Preview: nothing has changed yet. Check the lines below, then apply the ready ones or discard the file.
progress = Progress
which-lines = Which lines
placeholder = placeholder
replace-realizing-resources = Replace realizing resources
columns = Columns:{" "}
the-licence-is-its-id-lic = The licence is its id (lic_…) or its login; the type (msisdn, imei, email, url) may stay empty when the licence has one resource. Commas or semicolons; other columns are ignored.
download-the-licences-still-waiting-for = Download the licences still waiting for a real value
fill-in-the-value-column-and = {" "}(fill in the value column and upload it here).
assign-end-users = Assign end users
and-optionally = , and optionally{" "}
a-licence-that-already-has-an = A licence that already has an end user gets the new one.
recent-files = Recent files
no-file-uploaded-yet = No file uploaded yet.
file = File
bulk-line-changes = Changes
state = State
lines = Lines
uploaded = Uploaded
i-understand-nothing-of-this-file = I understand nothing of this file will be applied
discard-the-file = Discard the file
no-line-is-ready-correct-the = No line is ready: correct the file and upload it again.
no-line-to-show-here = No line to show here.
line = Line
licence = Licence
resource = Resource
end-user = End user
status = Status
next-lines = Next lines
api-credentials = API credentials
orange-authenticates-every-call-with-one = Orange authenticates every call with one of these, as{" "}
client-id-and-secret-or = {" "}(client id and secret) or{" "}
secret-several-may-be-active-at = {" "}(secret). Several may be active at once, for rotation.
new-credential = New credential:{" "}
copy-the-secret-now-it-is = Copy the secret now: it is shown only this once. Fleetdesk keeps only a hash of it.
client-id = Client id
secret = Secret
orange-sends-either-header = Orange sends either header:
no-credential-yet-orange-cannot-call = No credential yet: Orange cannot call the API until you issue one.
label = Label
credential-created = Created
created-by = Created by
last-used = Last used
actions = Actions
active-m = active
revoked = revoked
revoke = Revoke
i-understand-orange-can-no-longer = I understand Orange can no longer use it
command-line = command line
never = never
issue-a-credential = Issue a credential
where-it-is-used-e-g = Where it is used, e.g. “Orange production 2026”.
issue-credential = Issue credential
customer = Customer
back-to-customers = ← Customers
customer-id = Customer id
orange-reference = Orange reference
legal-id = Legal id
address = Address
login-prefix = Login prefix
created = Created
updated = Updated
notes = Notes
no-note = No note.
add-a-note = Add a note
add-note = Add note
contacts = Contacts
no-contact = No contact.
name = Name
role = Role
e-mail = E-mail
mobile = Mobile
phone = Phone
fleets = Fleets
no-fleet-yet-no-licence-was = No fleet yet: no licence was ordered.
fleet-productrefid = Fleet (productRefId)
policy = Policy
licences-by-state = Licences by state
latest-orders = Latest orders
no-order = No order.
received = Received
order = Order
every-customer-orange-has-created-through = Every customer Orange has created through the API, with its fleets and licences.
name-cus-orange-reference-or-siren = Name, cus_…, Orange reference or SIREN/SIRET
sort = Sort
newest-first = Newest first
export-csv = Export CSV
the-name-matches-from-its-start = The name matches from its start, ignoring case; ids, Orange references and legal ids match exactly. The export holds every customer the search matches.
no-customer-matches-this-search = No customer matches this search.
no-customer-yet = No customer yet.
newer = Newer
previous = Previous
older-m = Older
next = Next
where-fleetdesk-sends-the-events-orange = Where Fleetdesk sends the events Orange is owed, and how: Orange's event resources, the OAuth 2.0 client-credentials token that authenticates each call, and the retry schedule.
not-configured-yet = Not configured yet.
events-wait-in-the-queue-until = {" "}Events wait in the queue until both event URLs, the token URL, the client id and the secret are set.
configured-paused = Configured, paused.
nothing-is-sent-until-delivery-is = {" "}Nothing is sent until delivery is resumed (here or on the events page).
configured-and-running = Configured and running.
events-are-sent-as-soon-as = {" "}Events are sent as soon as they are due.
set = (set)
not-set = (not set)
a-secret-is-stored-leave-the = A secret is stored. Leave the field empty to keep it; type a new one to replace it. If the token URL moves to another server (host, scheme or port), type the secret again.
no-secret-is-stored-yet = No secret is stored yet.
oranges-event-resources = Orange's event resources
each-event-is-posted-to-the = Each event is POSTed to the resource of its kind.
productorder-events-url = productOrder events URL
for-productorderstatechangeevent = For productOrderStateChangeEvent.
userservice-events-url = userService events URL
for-userservicestatechangeevent-and-userserviceattributevaluechangeevent = For userServiceStateChangeEvent and userServiceAttributeValueChangeEvent.
oauth-2-0-client-credentials = OAuth 2.0 client credentials
fleetdesk-asks-the-token-url-for = Fleetdesk asks the token URL for a token (client id and secret in HTTP Basic), keeps it until shortly before it expires, and asks again on a 401.
token-url = Token URL
https-http-only-for-a-loopback = https:// (http:// only for a loopback address: 127.0.0.1, ::1 or localhost), as for the event URLs.
oauth-scope = Scope
optional-sent-only-when-set = Optional; sent only when set.
client-secret = Client secret
forget-the-stored-secret = Forget the stored secret
sending = Sending
request-timeout-seconds = Request timeout (seconds)
n-1-to-120-a-call-without = 1 to 120. A call without an answer by then counts as failed and is retried.
retry-schedule-seconds = Retry schedule (seconds)
delays-before-each-retry-comma-separated = Delays before each retry, comma-separated; after the last the event is failed. Empty for the default:{" "}
paused = Paused
nothing-is-sent-while-paused-events = Nothing is sent while paused; events keep queueing.
save-delivery-settings = Save delivery settings
event = Event
back-to-events = ← Events to Orange
none-m-paren = (none)
payload = Payload
the-body-posted-to-orange-the = The body POSTed to Orange, the same on every attempt.
every-event-with-this-reference = Every event with this reference
none-no-orange-reference-caused-it = none (no Orange reference caused it)
every-event-about-this-resource = Every event about this resource
oranges-calls-about-it = Orange's calls about it
correlation-id = Correlation id
event-delivered = Delivered
failed = Failed
next-attempt = Next attempt
attempts = Attempts
last-answer = Last answer
last-error = Last error
i-understand-orange-receives-this-event = I understand Orange receives this event again (same eventId)
resend = Resend
tries-now-instead-of-at-the = Tries now instead of at the scheduled time.
retry-now = Retry now
this-event-is-being-sent-right = This event is being sent right now; its outcome shows here in a moment.
no-attempt-yet = No attempt yet.
delivery-timeline = Delivery timeline
event-delivered-lower = delivered
will-retry = will retry
failed-lower = failed
unknown = unknown
no-answer = no answer
attempt = Attempt{" "}
headers = Headers
body = Body
response = Response
order-state-change = Order state change
licence-state-change = Licence state change
licence-attribute-change = Licence attribute change
other-event = Other event
events-to-orange = Events to Orange
every-event-fleetdesk-owes-orange-written = Every event Fleetdesk owes Orange, written with the change it describes and sent until Orange has it. The same eventId is kept across retries and resends.
delivery-is-not-configured = Delivery is not configured.
events-wait-here-until-oranges-event = {" "}Events wait here until Orange's event URLs, token URL and client are set.
configure-delivery = Configure delivery
delivery-is-paused = Delivery is paused.
nothing-is-sent-to-orange-until = {" "}Nothing is sent to Orange until it is resumed; events keep queueing.
resume-delivery = Resume delivery
delivery-is-running-due-events-go = Delivery is running: due events go out as soon as they are written.
delivery-is-not-paused-it-starts = Delivery is not paused: it starts once it is configured.
pause-delivery = Pause delivery
events-by-state = Events by state
any-state = Any state
event-type = Event type
any-type = Any type
ord-lic-or-orange-reference = ord_…, lic_… or Orange reference
resend-matching = Resend matching…
events-filter-help = Dates are UTC days, both included. Resource matches an order or licence id, or Orange's reference of the order or task (correlation id).
no-older-events = No older events.
no-event-yet-orange-is-owed = No event yet: Orange is owed nothing.
no-event-matches-these-filters = No event matches these filters.
next-attempt-or-last-answer = Next attempt or last answer
newest-m = Newest
older-events = Older events
next-try = Next try
being-sent-now = Being sent now
gave-up = Gave up
ref = ref
resend-events = Resend events
all-events = All events
no-filter = {" "}(no filter).
created-from = Created from
created-up-to = Created up to
included = (included)
back-to-the-events = Back to the events
no-event-matches-this-filter-nothing = No event matches this filter: nothing to resend.
every-matching-event-is-being-sent = Every matching event is being sent right now: nothing to resend.
filter-noun = Filter
this-will-resend = This will resend{" "}
each-goes-back-to-pending-due = Each goes back to pending, due now, with the same eventId, so Orange can recognise a duplicate. Earlier attempts stay in each event's timeline.
i-understand-orange-receives-these-events = I understand Orange receives these events again
cancel = Cancel
orange-exchange = Orange exchange
back-to-exchanges = ← Orange exchanges
credential = Credential
duration = Duration
request-headers = Request headers
request-body = Request body
empty = (empty)
response-body = Response body
orange-exchanges = Orange exchanges
every-call-orange-made-on-the = Every call Orange made on the API, with Fleetdesk's answer, exactly as exchanged (credentials masked).
errors-only = Errors only
no-older-exchanges = No older exchanges.
no-exchange-recorded-yet-orange-has = No exchange recorded yet: Orange has not called the API.
no-exchange-matches-these-filters = No exchange matches these filters.
older-exchanges = Older exchanges
fleet = Fleet
opened-by-order = Opened by order
by-offering = By offering
offering = Offering
licences-newest-first = Licences, newest first
no-licence-here = No licence here.
login = Login
licence-created = Created
newest-f-short = Newest
older-f = Older
telephone-format-hint = International format: + then 8 to 15 digits, e.g. +33612345678.
n-15-digits-ending-with-a-valid = 15 digits ending with a valid Luhn check digit, e.g. 490154203237518.
an-e-mail-address-e-g = An e-mail address, e.g. jeanne.martin@example.fr.
an-http-or-https-address-e = An http:// or https:// address, e.g. https://docs.example.fr/.
msisdn-mobile-number = MSISDN (mobile number)
imei-device = IMEI (device)
e-mail-address = E-mail address
url = URL
end-user-assigned = End user assigned
end-user-changed = End user changed
end-user-removed = End user removed
realizing-resource-replaced = Realizing resource replaced
login-renewed = Login renewed
state-changed-by-orange = State changed by Orange
terminated-by-orange = Terminated by Orange
offering-changed-by-orange = Offering changed by Orange
attribute-change-event-for-orange = Attribute change event for Orange
state-change-event-for-orange = State change event for Orange
other = Other
being-sent = being sent
by = by
this-licence-is-terminated-it-is = This licence is terminated: it is kept for history and can no longer change.
licence-changes-wait-for-orange = An operation from Orange is in progress on this licence: changes wait until it is done.
no-login-yet = (no login yet)
operation-in-progress = Operation in progress
login-created = Login created
last-update = Last update
terminated = Terminated
no-end-user-yet = No end user yet.
change-the-end-user = Change the end user
assign-the-end-user = Assign the end user
i-understand-the-licence-will-have = I understand the licence will have no end user and Orange is told
remove-the-end-user = Remove the end user
given-name = Given name
family-name = Family name
mobile-country-code-optional = Mobile country code (optional)
mobile-number-optional = Mobile number (optional)
erase-consent = I understand the end user's details are erased from this licence and every stored copy, for good
erase-consent-no-notice = I understand the end user's details are erased from this licence and every stored copy, for good, and Orange is told the licence has no end user
personal-data-gdpr = Personal data (GDPR)
on-the-end-users-request-everything = On the end user's request: everything Fleetdesk holds about them, or its erasure. Both are written to the audit log.
export-as-json = Export as JSON
erase-the-personal-data = Erase the personal data
this-offerings-licences-carry-no-realizing = This offering's licences carry no realizing resource.
realizing-resources = Realizing resources
new-value = New value
replace = Replace
a-new-login-is-made-from = A new login is made from the offering's login format and the customer's next number; the old one stops being the licence's.
i-understand-the-login-changes-and = I understand the login changes and Orange is told
renew-the-login = Renew the login
nothing-has-happened-to-this-licence = Nothing has happened to this licence yet.
timeline = Timeline
a-well-formed-fake-value-until = A well-formed fake value, until the real one is known
bulk-changes-from-a-csv-file = Bulk changes from a CSV file
every-licence-orange-ordered-newest-first = Every licence Orange ordered, newest first. Open one to see its realizing resources and history, and to set its end user, replace a placeholder or renew its login.
login-or-e-mail = Login or e-mail
start-or-whole-or-lic = start or whole, or lic_…
any-offering = Any offering
fleet-id = Fleet id
with-or-without = With or without
with-an-end-user = With an end user
without-an-end-user = Without an end user
resources = Resources
placeholder-or-real = Placeholder or real
a-placeholder-left = A placeholder left
all-real = All real
no-older-licences = No older licences.
no-licence-yet-orange-has-ordered = No licence yet: Orange has ordered none.
no-licence-matches-these-filters = No licence matches these filters.
customer-and-fleet = Customer and fleet
older-licences = Older licences
invalid-username-or-password = Invalid username or password.
enter-your-username-and-password = Enter your username and password.
too-many-sign-ins-at-once = Too many sign-ins at once; please try again in a moment.
sign-in-is-unavailable-right-now = Sign-in is unavailable right now; please try again shortly.
sign-in-title = Sign in
sign-in-to-fleetdesk = Sign in to Fleetdesk
partner-back-office-for-orange-business = Partner back-office for Orange Business Applications France.
you-have-been-signed-out = You have been signed out.
username = Username
password = Password
page-not-found = Page not found
back-to-the-overview = Back to the overview
edit-offering = Edit offering
back-to-offerings = ← Offerings
retire = Retire
a-retired-offering-cannot-be-ordered = A retired offering cannot be ordered any more; its licences stay as they are.
bring-back = Bring back
this-offering-is-retired-orange-cannot = This offering is retired: Orange cannot order it until it is brought back.
save-changes = Save changes
availability = Availability
none-f = None
mobile-number-msisdn = Mobile number (MSISDN)
device-imei = Device (IMEI)
one-per-licence = One per licence
one-per-customer-shared = One per customer (shared)
per-licence = per licence
per-customer = per customer
orange-orders-licences-by-offer-code = Orange orders licences by offer code; each code maps to one of these offerings, which says which realizing resource its licences carry and how their logins look.
the-catalogue-is-empty-oranges-orders = The catalogue is empty: Orange's orders are refused until their offer code is here.
offer-code = Offer code
scope-of-resource = Scope
login-format = Login format
active-f = active
retired = retired
edit = Edit
oranges-code-e-g-offer-pro = Orange's code, e.g. OFFER-PRO-M.
realizing-resource = Realizing resource
resource-scope = Resource scope
placeholders-customer-offer-seq-or-seq = Placeholders: {"{"}customer{"}"}, {"{"}offer{"}"}, {"{"}seq{"}"} or {"{"}seq:N{"}"}; {"{"}customer{"}"} and {"{"}seq{"}"} are required. Empty:{" "}
add-offering = Add offering
import-a-catalogue = Import a catalogue
offerings-import-help = A CSV file in UTF-8 with a header line. Existing offer codes are updated, new ones added. If any line is wrong, nothing is imported and every wrong line is listed.
column = Column
content = Content
oranges-offer-code-without-spaces-required = Orange's offer code, without spaces (required).
the-offerings-name-required = The offering's name (required).
none-msisdn-imei-email-or-url = none, msisdn, imei, email or url (required).
per-licence-or-per-customer-empty = per_licence or per_customer; empty means per_licence.
optional-empty-means = Optional; empty means{" "}
example = Example:
import-csv = Import CSV
admin = admin
operator = operator
support = support
last-sign-in = Last sign-in
disable = Disable
enable = Enable
disabled = disabled
role-password = Role, password…
new-role = New role
i-understand-the-new-role-applies = I understand: the new role applies at once.
change-role = Change role
new-password = New password
at-least-12-characters-tell-the = At least 12 characters. Tell the operator through a safe channel.
i-understand-the-operator-is-signed = I understand: the operator is signed out everywhere.
reset-password = Reset password
add-operator = Add operator
display-name = Display name
at-least-12-characters = At least 12 characters.
orange-api-settings = Orange API settings
last-purge = Last purge{" "}
no-purge-has-run-yet = No purge has run yet.
answer-mode = Answer mode
synchronous-the-answer-carries-the-result = Synchronous: the answer carries the result. Asynchronous: the answer says{" "}
and-the-result-follows-as-an = {" "}and the result follows as an event. Validation errors are always answered at once.
synchronous = Synchronous
asynchronous = Asynchronous
fleet-policy = Fleet policy
how-ordered-licences-are-grouped-into = How ordered licences are grouped into fleets (productRefIds).
retention = Retention
how-long-the-records-that-grow = How long the records that grow with use are kept, in days (1 to 3650). A purge runs in the background every 10 minutes.
raw-orange-exchanges = Raw Orange exchanges
older-exchanges-are-deleted = Older exchanges are deleted.
delivery-attempts = Delivery attempts
older-attempts-of-delivered-or-failed = Older attempts of delivered or failed events are deleted; the events stay.
audit-details = Audit details
older-audit-entries-lose-their-before = Older audit entries lose their before/after; who did what, when, stays.
save-settings = Save settings
customer-creation = Customer creation
a-productorder-without-order-items = A productOrder without order items.
licence-order = Licence order
a-productorder-with-order-items = A productOrder with order items.
state-change = State change
suspending-or-reactivating-a-licence = Suspending or reactivating a licence.
deletion = Deletion
terminating-a-licence = Terminating a licence.
offering-change = Offering change
moving-a-licence-to-another-offering = Moving a licence to another offering.
per-customer-title = Per customer
every-order-of-a-customer-goes = Every order of a customer goes into the customer's one fleet.
per-order = Per order
each-order-opens-a-new-fleet = Each order opens a new fleet, unless it names an existing fleet of the customer.
per-offering = Per offering
one-fleet-per-customer-and-offer = One fleet per customer and offer code.
back-to-orders = ← Orders
acknowledged = Acknowledged
completed = Completed
answered = Answered
at-once-synchronous = at once (synchronous)
later-by-an-event-asynchronous = later, by an event (asynchronous)
category = Category
order-date = Order date
requested-start = Requested start
failure = Failure
request-id = Request id
licences-created = Licences created
items = Items
none-this-order-created-the-customer = None: this order created the customer only.
quantity = Quantity
none-f-dot = None.
as-recorded-on = As recorded on
the-full-exchange = the full exchange
the-raw-exchange-is-no-longer = The raw exchange is no longer kept (its retention has passed); below is the copy Fleetdesk keeps with the request.
oranges-request-and-fleetdesks-answer = Orange’s request and Fleetdesk’s answer
request = Request
answer = Answer
none-f-paren = (none)
events-to-orange-heading = Events to Orange
none-m-dot = None.
about = About
nothing-recorded = Nothing recorded.
when = When
who = Who
what = What
by-state = By state
all = All
tasks = Tasks
no-order-here = No order here.
totals = Totals
placeholders-to-replace = Placeholders to replace
delivered-to-orange-24-h = Delivered to Orange (24 h)
orders-from-orange = Orders from Orange
tasks-from-orange = Tasks from Orange
team = Team
active-operators = Active operators
disabled-operators = Disabled operators
recent-activity = Recent activity
nothing-has-happened-yet = Nothing has happened yet.
version = version
download-the-openapi-document-json = Download the OpenAPI document (JSON)
no-operations-documented = No operations documented.
parameters = Parameters
in = In
type = Type
required = Required
description = Description
yes = yes
no = no
required-suffix = , required
responses = Responses
task = Task
id = id
orange-reference-lower = Orange reference
name-lower = name
login-lower = login
end-user-lower = end user
realizing-resource-lower = realizing resource
search-page-title = Search
find = Find
id-orange-reference-name-login-e = Id, Orange reference, name, login, e-mail, number…
searching = Searching…
type-at-least-two-characters-an = Type at least two characters: an id (cus_…, lic_…, ord_…), an Orange reference, a customer name, a login, an end user’s name or e-mail, or a realizing resource such as a phone number.
orders-and-tasks-from-orange-that = Orders and tasks from Orange that have waited too long, and events Orange has not received. Complete or fail the work, or send the event again.
nothing-is-stuck = Nothing is stuck.
since = Since
why = Why
waiting-to-be-sent = Waiting to be sent
acknowledged-to-orange-but-not-completed = Acknowledged to Orange but not completed
i-understand = I understand
complete-now = Complete now
error-code = Error code
message-for-orange = Message for Orange
fail = Fail
when-is-work-stuck = When is work stuck?
orders-after-minutes = Orders, after (minutes)
tasks-after-minutes = Tasks, after (minutes)
waiting-events-after-minutes = Waiting events, after (minutes)
save-thresholds = Save thresholds
back-to-tasks = ← Tasks
unknown-licence = unknown licence
done-lower = done
task-failed = failed
waiting = waiting
a-single-licence-change-answered-later = a single licence change answered later
a-bulk-task = a bulk task
only-the-first-items-are-shown = Only the first items are shown:
origin = Origin
later-by-events-asynchronous = later, by events (asynchronous)
result = Result
task-done = Done
no-task-here = No task here.
fleetdesk-cannot-use-its-database-right = Fleetdesk cannot use its database right now
the-database-does-not-answer-or = The database does not answer, or its disk is full or read-only. Nothing was changed. The service comes back by itself as soon as the database can be used again.
try-again = Try again
the-file-has-no-lines-of = The file has no lines of changes under its header.
the-file-could-not-be-checked = The file could not be checked; please try again.
choose-what-the-file-changes = Choose what the file changes.
file-checked-nothing-has-changed-yet = File checked. Nothing has changed yet: look at each line, then apply or discard it.
no-such-file = No such file.
this-file-is-no-longer-a = This file is no longer a preview: it was already applied or discarded.
no-line-of-this-file-is = No line of this file is ready; correct the file and upload it again.
tick-i-understand-to-apply-the = Tick “I understand” to apply the file.
tick-i-understand-to-discard-the = Tick “I understand” to discard the file.
file-discarded-none-of-its-lines = File discarded: none of its lines will be applied.
the-label-must-be-1-to = The label must be 1 to 100 characters.
no-such-credential = No such credential.
the-form-could-not-be-read = The form could not be read; please try again.
write-a-note-of-1-to = Write a note of 1 to 4,000 characters.
note-added = Note added.
no-such-customer = No such customer.
the-note-could-not-be-saved = The note could not be saved; please try again.
is-not-a-url = is not a URL.
must-start-with-https-http-only = must start with https:// (http:// only for a loopback address: 127.0.0.1, ::1 or localhost).
the-token-url-now-points-to = The token URL now points to another server (host, scheme or port): type the client secret again, so that the stored one is never sent there.
the-timeout-is-a-whole-number = The timeout is a whole number of seconds, from 1 to 120.
the-retry-schedule-is-a-comma = The retry schedule is a comma-separated list of whole seconds, e.g. 30, 120, 600.
delivery-settings-saved = Delivery settings saved.
delivery-settings-saved-delivery-is-not = Delivery settings saved. Delivery is not configured yet: both event URLs, the token URL, the client id and the secret are needed.
the-delivery-settings-were-not-saved = The delivery settings were not saved:
delivery-paused-nothing-is-sent-to = Delivery paused: nothing is sent to Orange until it is resumed.
delivery-resumed-due-events-go-out = Delivery resumed: due events go out now.
delivery-resumed-it-is-not-configured = Delivery resumed. It is not configured yet, so events keep waiting.
delivery-is-paused-it-goes-out = {" "}Delivery is paused: it goes out once resumed.
delivery-is-not-configured-yet-it = {" "}Delivery is not configured yet: it waits until it is.
no-such-event = No such event.
tick-i-understand-to-resend-the = Tick “I understand” to resend the event: Orange receives it again.
only-a-pending-or-failed-event = Only a pending or failed event can be retried now.
the-event-is-being-sent-right = The event is being sent right now; try again in a moment.
tick-i-understand-to-resend-these = Tick “I understand” to resend these events: Orange receives them again.
no-event-matched-nothing-was-resent = No event matched: nothing was resent.
sign-in-first = Sign in first.
the-change-could-not-be-saved = The change could not be saved; please try again.
the-file-could-not-be-read = The file could not be read; please try again.
the-file-is-too-large-split = The file is too large; split it into smaller files.
choose-a-csv-file = Choose a CSV file.
file-not-utf8 = The file is not UTF-8 text; save it as CSV UTF-8 and try again.
no-such-licence = No such licence.
licence-retry-after-orange = An operation from Orange is in progress on this licence; try again once it is done.
the-licence-has-no-end-user = The licence has no end user to remove.
this-realizing-resource-does-not-belong = This realizing resource does not belong to the licence.
nothing-changed-that-is-already-the = Nothing changed: that is already the current value.
not-a-valid-msisdn-use-the = Not a valid MSISDN: use the international format, + then 8 to 15 digits (e.g. +33612345678). Nothing was changed.
not-a-valid-imei-15-digits = Not a valid IMEI: 15 digits ending with a valid Luhn check digit. Nothing was changed.
not-a-valid-e-mail-address = Not a valid e-mail address. Nothing was changed.
not-a-valid-url-it-starts = Not a valid URL: it starts with http:// or https:// and names a host. Nothing was changed.
end-user-saved-orange-will-be = End user saved. Orange will be told.
tick-i-understand-to-remove-the = Tick “I understand” to remove the end user.
end-user-removed-orange-will-be = End user removed. Orange will be told.
tick-i-understand-to-renew-the = Tick “I understand” to renew the login.
an-offering-with-this-offer-code = An offering with this offer code already exists.
no-such-offering = No such offering.
offerings-created = Created:
offerings-updated = Updated:
the-username-must-be-1-to = The username must be 1 to 64 characters among a-z, 0-9, '.', '_', '-' and '@'.
display-name-length = The display name must be 1 to 100 characters.
the-password-must-have-at-least = The password must have at least 12 characters.
the-password-must-have-at-most = The password must have at most 256 characters.
an-operator-with-this-username-already = An operator with this username already exists.
no-such-operator = No such operator.
this-is-the-last-active-administrator = This is the last active administrator: make another operator an administrator first.
choose-a-role-admin-operator-or = Choose a role: admin, operator or support.
you-cannot-disable-your-own-account = You cannot disable your own account.
tick-i-understand-to-change-the = Tick “I understand” to change the role: it applies at once.
tick-i-understand-to-reset-the = Tick “I understand” to reset the password: the operator is signed out everywhere.
choose-a-fleet-policy = Choose a fleet policy.
the-retention-is-a-whole-number = The retention is a whole number of days from 1 to 3650.
the-settings-were-not-saved = The settings were not saved:
orange-api-settings-saved = Orange API settings saved.
this-licence-has-no-end-user = This licence has no end user: nothing personal is held about it.
tick-i-understand-to-erase-the = Tick “I understand” to erase the end user's personal data.
nothing-to-erase = The licence has no end user: there is nothing to erase.
only-acknowledged-work-can-be-completed = Only acknowledged work can be completed now; it may have been completed meanwhile.
tick-i-understand-to-fail-the = Tick “I understand” to fail the work: Orange is told it failed.
choose-one-of-the-contracts-error = Choose one of the contract’s error codes.
no-such-order-or-task = No such order or task.
only-acknowledged-or-in-progress-work = Only acknowledged or in-progress work can be failed.
write-a-message-for-orange = Write a message for Orange.
each-threshold-is-a-whole-number = Each threshold is a whole number of minutes, from 1 to 10080 (a week).
thresholds-saved = Thresholds saved.

# Texts with variables. A count chooses its words by the language's plural rules.
not-an-event-state = “{ $text }” is not an event state.
not-an-orange-event-type = “{ $text }” is not an Orange event type.
server-unreachable = The server could not be reached ({ $detail }).
resource-shared-by-licences =
    { $count ->
        [one] shared by the customer's { $count } licence
       *[other] shared by the customer's { $count } licences
    }
minutes-short = { $minutes } min
stuck-after = Stuck after: orders { $orders }, tasks { $tasks }, events waiting { $events } (failed events at once).
operations-documented =
    { $count ->
        [one] { $count } operation documented.
       *[other] { $count } operations documented.
    }
nothing-matches = Nothing matches “{ $text }”.
search-results-count =
    { $count ->
        [one] { $count } result
       *[other] { $count } results
    }
edit-offering-title = Edit offering { $code }
events-count =
    { $count ->
        [one] { $count } event
       *[other] { $count } events
    }
resend-being-sent =
    { $count ->
        [one] { $count } event matching the filter is being sent right now and is left alone.
       *[other] { $count } events matching the filter are being sent right now and are left alone.
    }
answer-truncated = Only the start of the answer is kept: it was { $bytes } bytes.
counted-in-background = With this much data, these numbers are counted in the background every { $seconds } s, not on each visit. Last counted:
attempts-last-day =
    { $count ->
        [one] { $count } attempt in the last 24 hours
       *[other] { $count } attempts in the last 24 hours
    }
bulk-lines-count =
    { $count ->
        [one] { $count } line
       *[other] { $count } lines
    }
bulk-count-applied = { $count } applied
bulk-count-ready = { $count } ready
bulk-count-unchanged = { $count } with nothing to do
bulk-count-invalid = { $count } with a problem
bulk-count-refused = { $count } refused
bulk-file-subtitle = { $kind } · uploaded by { $by }
bulk-applying-progress = Applying: { $done } of { $total } lines done. This page refreshes by itself.
bulk-applied-by = Applied by { $by }: { $changed } changed, { $refused } refused, { $unchanged } with nothing to do. Orange is told of each change.
bulk-discarded-by = Discarded by { $by }: none of its lines was applied.
bulk-apply-consent =
    { $count ->
        [one] I understand { $count } licence will change and Orange is told of each
       *[other] I understand { $count } licences will change and Orange is told of each
    }
bulk-apply-ready =
    { $count ->
        [one] Apply { $count } ready line
       *[other] Apply { $count } ready lines
    }
events-to-orange-count =
    { $count ->
        [one] { $count } event to Orange
       *[other] { $count } events to Orange
    }
sign-in-locked =
    Too many failed attempts. Sign-in is locked from here; try again in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
purge-counts = : { $exchanges } exchanges, { $attempts } delivery attempts and { $details } audit details removed.
operator-created = Operator { $login } created.
operator-already-role = { $login } is already { $role }.
operator-now-role = { $login } is now { $role }.
operator-password-reset = Password of { $login } reset; their sessions have ended.
not-stuck-now = { $id } is not stuck now; { $meanwhile }. Nothing was changed: support staff act only on stuck work.
maybe-delivered-meanwhile = it may have been delivered meanwhile
maybe-completed-meanwhile = it may have been completed meanwhile
order-completed-by-support = Order { $id } is completed; Orange gets its event.
task-completed-by-support = Task { $id } is completed; Orange gets its event.
order-now-failed = Order { $id } is now failed ({ $code }).
order-now-partial = Order { $id } is now partial ({ $code }).
task-now-failed = Task { $id } is now failed ({ $code }).
task-now-partial = Task { $id } is now partial ({ $code }).
retry-only-pending-or-failed = Only a pending or failed event can be retried now; this one is { $state }.
bulk-applying-started =
    { $count ->
        [one] Applying { $count } change: this page shows the progress.
       *[other] Applying { $count } changes: this page shows the progress.
    }
choose-mode-for = Choose synchronous or asynchronous for { $operation }.
offering-added = Offering { $code } added.
offering-saved = Offering { $code } saved.
offering-retired = Offering { $code } retired.
offering-brought-back = Offering { $code } brought back.
import-nothing-imported =
    { $count ->
        [one] Nothing was imported: { $count } line of the file is wrong.
       *[other] Nothing was imported: { $count } lines of the file are wrong.
    }
catalogue-imported = Catalogue imported: { $created } created, { $updated } updated.
credential-issued = Credential “{ $label }” issued.
credential-tick-to-revoke = Tick “I understand” to revoke “{ $label }”: Orange can no longer call with it.
credential-already-revoked = Credential “{ $label }” was already revoked.
credential-revoked = Credential “{ $label }” revoked.
personal-data-erased = Personal data erased: the end user is gone from the licence and from { $copies } stored copies (audit entries, events, delivery attempts, Orange exchanges, bulk file lines).
personal-data-erased-orange-told = Personal data erased: the end user is gone from the licence and from { $copies } stored copies (audit entries, events, delivery attempts, Orange exchanges, bulk file lines). Orange will be told.
new-login-orange-told = New login: { $login }. Orange will be told.

bulk-duplicate-licence = This licence is already on line { $line }; only that line counts.
bulk-shared-conflict = This resource is shared by the customer's licences, and line { $line } already gives it another value.
bulk-shared-same = Shared resource: line { $line } sets this value for every licence of the customer.
attempts-count =
    { $count ->
        [0] no attempt yet
        [one] { $count } attempt
       *[other] { $count } attempts
    }
event-badge-pending = pending
event-badge-delivering = delivering
event-badge-delivered = delivered
event-badge-failed = failed
licences-count =
    { $count ->
        [one] { $count } licence
       *[other] { $count } licences
    }
licences-more-than = More than { $cap } licences
bulk-missing-columns = The first line must name the columns; missing: { $missing }. Nothing was kept.
bulk-too-many-rows = The file has more than { $max } lines of changes; split it into smaller files.
bulk-unreadable-line = Line { $line } is not valid CSV (check its quotes). Nothing was kept.
event-will-be-resent = Event { $id } will be sent again.
event-will-be-tried-now = Event { $id } will be tried now.
events-will-be-resent =
    { $count ->
        [one] { $count } event will be sent again.
       *[other] { $count } events will be sent again.
    }
resource-replaced =
    { $count ->
        [1] Realizing resource replaced. Orange will be told.
       *[other] Shared realizing resource replaced on { $count } licences. Orange will be told of each.
    }
operator-disabled = Operator { $login } disabled.
operator-enabled = Operator { $login } enabled.
offering-code-invalid = the offer code must be 1 to 64 characters, without spaces
offering-name-invalid = the name must be 1 to 100 characters
offering-resource-type-invalid = the realizing resource type must be one of none, msisdn, imei, email, url
offering-resource-scope-invalid = the resource scope must be per_licence or per_customer
offering-shared-without-type = a shared (per_customer) resource must be of a type, not none
login-format-no-sequence = the login format must contain {"{"}seq{"}"} or {"{"}seq:N{"}"}
login-format-no-customer = the login format must contain {"{"}customer{"}"}, so that customers' logins never collide
login-format-unknown-placeholder = unknown placeholder {"{"}{ $name }{"}"} in the login format (use {"{"}customer{"}"}, {"{"}offer{"}"}, {"{"}seq{"}"}, {"{"}seq:N{"}"})
login-format-invalid-character = the login format may only hold a-z, 0-9, '.', '_', '-' outside placeholders
login-format-length = the login format is empty or longer than 64 characters
import-line-unreadable = { $detail }
import-duplicate-code = offer code { $code } appears twice
import-empty = the file holds no offering
import-error-line = Line { $line }: { $message }.
show-or-hide-this-list = Show or hide this list
close-this-list = Close this list
the-productorder-events-url = The productOrder events URL
the-userservice-events-url = The userService events URL
the-token-url = The token URL
all-lines = All lines
problems-only = Problems only
ready-lines = Ready
unknown-licence-state = Unknown licence state.
unknown-end-user-choice = Unknown end user choice.
unknown-resource-choice = Unknown resource choice.
refusal-change-data = Your role does not allow changes: ask an operator or an administrator.
refusal-not-allowed = Your role does not allow this.
refusal-admin-only = Only administrators may do this.
cross-site-request-refused = Cross-site request refused: send the form from the console itself.

# State names. French agrees them with the count of what is in the state (one licence "Résiliée",
# several "Résiliées"); English does not change, but names the count so both languages take it.
licence-state-pending =
    { $count ->
       *[other] Pending
    }
licence-state-active =
    { $count ->
       *[other] Active
    }
licence-state-suspended =
    { $count ->
       *[other] Suspended
    }
licence-state-terminated =
    { $count ->
       *[other] Terminated
    }
work-state-acknowledged =
    { $count ->
       *[other] Acknowledged
    }
work-state-in-progress =
    { $count ->
       *[other] In progress
    }
work-state-completed =
    { $count ->
       *[other] Completed
    }
work-state-failed =
    { $count ->
       *[other] Failed
    }
work-state-partial =
    { $count ->
       *[other] Partial
    }
event-state-pending =
    { $count ->
       *[other] Pending
    }
event-state-delivering =
    { $count ->
       *[other] Delivering
    }
event-state-delivered =
    { $count ->
       *[other] Delivered
    }
event-state-failed =
    { $count ->
       *[other] Failed
    }
unknown-sort-order = Unknown sort order.
provisioning = Provisioning
provisioning-none = None (completes at once)
provisioning-manual = Manual approval
provisioning-webhook = Webhook to the product
offering-provisioning-invalid = The provisioning must be none, manual or webhook
callback-needs-async = The product cannot answer by callback while these operations are synchronous (offerings are provisioned by webhook): { $operations }. Make them asynchronous in the Orange settings first, or leave "await callback" off.
manual-needs-async = Manual provisioning (and webhooks while the product answers by callback) needs asynchronous operations; make these asynchronous in the Orange settings first: { $operations }
sync-refused-manual-offerings = { $operations } cannot be synchronous while offerings wait for manual approval or for the product's callback ({ $offerings }): change their provisioning first, or turn "await callback" off in the provisioning settings.
provisioning-hint = Manual approval: each order or task of this offering waits in the activation queue until an operator approves or rejects it. It needs asynchronous operations. Webhook: a signed webhook tells your product of each operation (see the provisioning settings).
activation-queue = Activation queue
activation-queue-lead = Orders and tasks of offerings with manual provisioning wait here. Approve them once they are done in your product: they complete and Orange gets their event. Or reject them with an error code: they fail and Orange is told why.
nothing-waits-for-approval = Nothing waits for approval.
approve = Approve
approve-selected = Approve selected
reject-selected = Reject selected
reject-the-selection = Reject the selection
waiting-at-least-minutes = Waiting at least (minutes)
select-work = Select
waits-for-manual-approval = Waits for manual approval (activation queue)
select-work-first = Select at least one order or task first.
work-approved =
    { $count ->
        [one] { $count } order or task approved: Orange will be told.
       *[other] { $count } orders and tasks approved: Orange will be told.
    }
work-rejected =
    { $count ->
        [one] { $count } order or task rejected: Orange will be told.
       *[other] { $count } orders and tasks rejected: Orange will be told.
    }
work-no-longer-waiting =
    { $count ->
        [one] { $count } no longer waited for approval and was left as it is.
       *[other] { $count } no longer waited for approval and were left as they are.
    }
provisioning-column-help = Optional: none, manual or webhook. Empty keeps an existing offering's provisioning (none for a new one).

# Provisioning in the console: the webhook settings, provisioning credentials, provisioning tasks.
provisioning-settings = Provisioning settings
how-fleetdesk-tells-your-product-of = How Fleetdesk tells your product of each operation of offerings with webhook provisioning, and how your product answers.
webhook-configured = Configured.
webhooks-are-sent-to-your-product = Webhooks are sent to your product as operations arrive.
webhooks-wait-in-the-queue-until = Webhooks wait in the queue until a webhook URL and a signing secret are set.
new-signing-secret = New signing secret
copy-the-signing-secret-now-it = Copy the signing secret now and give it to your product: it is shown only this once.
webhook = Webhook
each-operation-is-posted-as-a = Each operation is posted as a signed JSON webhook to this URL; failed requests are retried on the delivery settings' schedule.
webhook-url = Webhook URL
n-1-to-60-for-each-webhook = 1 to 60, for each webhook request. A request without an answer by then counts as failed and is retried.
when-is-an-operation-done = When is an operation done?
when-the-product-answers-2xx = When the product answers 2xx.
its-answer-means-the-operation-is = Its 2xx answer means the operation is done in the product.
when-the-product-calls-back = When the product calls back (await callback).
the-product-answers-2xx-at-once = The product answers 2xx at once and calls /provisioning/v1 later with the result; until then the order or task stays in progress.
save-provisioning-settings = Save provisioning settings
signing-secret = Signing secret
every-webhook-is-signed-as-the = Every webhook is signed as the Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature). The secret is never shown again once generated.
the-previous-secret-still-signs-until = The previous secret still signs beside the new one until
overlap-minutes = Overlap (minutes)
how-long-the-current-secret-keeps = How long the current secret keeps signing beside the new one, so that your product can switch: 0 stops it at once; at most 10080 (a week).
generate-a-new-signing-secret = Generate a new signing secret
callbacks-from-your-product = Callbacks from your product
with-await-callback-your-product-reports = With “await callback”, your product reports each result to this base address (tasks/…/complete or /fail; tasks?state=pending lists what waits):
it-authenticates-with-a-provisioning-credential = It authenticates with a provisioning credential, issued on the page
the-webhook-url-is-not-a = The webhook URL is not a URL.
the-webhook-url-must-start-with = The webhook URL must start with https:// (http:// only for a loopback address: 127.0.0.1, ::1 or localhost).
the-webhook-timeout-must-be-1 = The webhook timeout must be a whole number of seconds, from 1 to 60.
the-overlap-must-be-0-to = The overlap must be a whole number of minutes, from 0 to 10080 (a week).
no-fleetdesk-secret-key-is-configured = No FLEETDESK_SECRET_KEY is configured, so the signing secret cannot be stored sealed. Set it and restart the server.
the-provisioning-settings-were-not-saved = The provisioning settings were not saved:
provisioning-settings-saved = Provisioning settings saved.
provisioning-settings-saved-webhooks-wait = Provisioning settings saved. Webhooks wait in the queue until a signing secret is generated too.
a-new-signing-secret-was-generated = A new signing secret was generated.
your-product-calls-back-on = Your product calls back on
with-a-provisioning-credential-sent-the = with a provisioning credential, sent the same way. Each kind is valid on its own API only.
credential-kind = Kind
credential-kind-orange = Orange API
credential-kind-provisioning = Partner product callback
your-product-sends-either-header = Your product sends either header to /provisioning/v1:
i-understand-the-product-can-no-longer = I understand the product can no longer use it
choose-who-the-credential-is-for = Choose who the credential is for: the Orange API or the partner product's callback.
resolved-by = Resolved by
resolved = Resolved
provisioning-pending = pending
provisioning-completed = completed
provisioning-failed = failed
by-an-operator = an operator
by-the-product = the product
waits-on-the-product = Waits on the product: { $reason }
provisioning-step-sent = Sent to the product
provisioning-step-done = Provisioning done
provisioning-step-failed = Provisioning failed
values-from-the-product = Values from the product
values-from-the-product-lead = Enter the logins and realizing resource values your product made for these licences; blank fields keep what the licence has. Orange's event carries them.
approve-with-these-values = Approve with these values
complete-with-these-values = Complete with these values
values-licence-not-waiting = { $licence } is not one of this order's licences still waiting: nothing was changed.
values-resource-unknown = { $resource } is not a realizing resource of { $licence }: nothing was changed.
values-login-invalid = { $licence }: the login must be 1 to 128 characters, without control characters. Nothing was changed.
values-login-taken = { $licence }: the login { $login } is already another licence's. Nothing was changed.
values-resource-invalid = { $licence }: { $reason }
values-more-licences = Only the first { $count } waiting licences are shown; give the others their values on their own pages.
licence-values-entered-by-hand = Values entered by hand
approving-is-an-operators-decision = Approving waiting work is an operator's decision; support staff complete or fail work once it is stuck.
event-state-cancelled =
    { $count ->
       *[other] Cancelled
    }
event-badge-cancelled = cancelled
cancelled-at = Cancelled
self-test = Self-test
self-test-lead = Plays Orange's side of the contract against this installation, as the simulate command does: every answer is checked against the contract, step by step. The run has an Orange credential of its own, issued for it and revoked when it ends.
sandbox = Sandbox
sandbox-lead = While the sandbox is on, events go to a sink built into Fleetdesk instead of Orange, and are listed on this page. The delivery settings in use are put aside and come back when it is switched off.
sandbox-is-on = Sandbox on:
sandbox-is-on-detail = events go to the built-in sink, not to Orange. Switch it off before this installation serves Orange.
sandbox-is-off = Sandbox off:
sandbox-is-off-detail = events go where the delivery settings say.
sandbox-sink-address = The sink's address
switch-the-sandbox-on = Switch the sandbox on
switch-the-sandbox-off = Switch the sandbox off
i-understand-no-event-reaches-orange = I understand: no event reaches Orange until the sandbox is switched off.
tick-the-box-to-switch-the-sandbox-on = Tick the box to confirm: while the sandbox is on, no event reaches Orange.
sandbox-switched-on = Sandbox on: events now go to the built-in sink, not to Orange.
sandbox-switched-off = Sandbox off: the delivery settings in use before are back, and events go to Orange again.
the-sandbox-is-already-on = The sandbox is already on.
the-sandbox-is-not-on = The sandbox is not on.
sandbox-banner = Sandbox on: events go to the built-in sink, not to Orange.
sandbox-banner-link = Self-test and sandbox
run-the-self-test = Run the self-test
self-test-run = Run
self-test-mode-sync = Every operation is synchronous: the run checks the answers, and (with the sandbox on) that no event is sent for them.
self-test-mode-async = Every operation is asynchronous: the run checks the answers and the events the sandbox receives, so the sandbox must be on.
self-test-mixed-modes = The operations are not all in the same mode: set them all to synchronous or all to asynchronous on the Orange settings page to run the self-test.
self-test-offers = Offerings it orders:
self-test-needs-two-offerings = The self-test orders two offerings without provisioning, and the catalogue has fewer: add one on the offerings page.
self-test-needs-the-sandbox = The operations are asynchronous: switch the sandbox on first, so that their events go to the built-in sink, where the run checks them.
self-test-started = The self-test started; this page shows its steps as they end.
self-test-already-running = A self-test is already running: wait for it to end.
self-test-running = Running
self-test-passed = Passed
self-test-failed = Failed
self-test-interrupted = Interrupted
self-test-no-run = No self-test has run yet.
self-test-last-run = Last run
self-test-steps =
    { $total ->
        [one] { $total } step: { $passed } passed, { $failed } failed
       *[other] { $total } steps: { $passed } passed, { $failed } failed
    }
self-test-started-by = Started by { $who } in { $mode } mode against { $target }
self-test-ended = Ended
step-rule-broken = Rule broken
step-requires = The contract requires
step-found = Found instead
contract-section = Section { $section }
events-received-by-the-sandbox = Events received by the sandbox
sandbox-received-total =
    { $count ->
        [0] This instance's sink has received nothing since it started.
        [one] This instance's sink has received { $count } delivery since it started; the newest are listed.
       *[other] This instance's sink has received { $count } deliveries since it started; the newest are listed.
    }
event-id = Event id
sandbox-no-event-yet = No event received yet: switch the sandbox on, then order or change licences (or run the self-test in asynchronous mode).
