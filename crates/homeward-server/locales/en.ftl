# Homeward's interface in English. Every word the interface shows is here; a new language is a
# new file next to this one with the same message ids.
language-name = English
app-name = Homeward
skip-to-content = Skip to the content
nav-desk = Case desk
nav-intake = New report
nav-search = Search
signed-in-as = Signed in as { $email } ({ $role })
nav-settings = Settings
settings-title = Your settings
settings-time-zone = Time zone
settings-time-zone-hint = Such as Europe/Athens; leave empty to use your browser's.
settings-save = Save the settings
log-out = Log out
language-label = Language
save-language = Change

## Roles
role-operator = operator
role-case_manager = case manager
role-supervisor = supervisor
role-police_liaison = police liaison
role-analyst = analyst
role-admin = administrator

## Log in
login-title = Log in
login-email = E-mail address
login-password = Password
login-submit = Log in
login-failed = The e-mail address or the password is not correct.
login-throttled = Too many failed logins. Wait { $minutes } minute(s) and try again.
login-expired = Your session has ended. Log in again to continue; nothing you saved is lost.
login-required = Log in to see this page.
logged-out = You are logged out.
password-title = Choose your own password
password-explain = You logged in with a one-time password. Choose your own before you start work.
password-current = Current (one-time) password
password-new = New password
password-new-hint = At least 12 characters.
password-submit = Save the password
password-wrong = The current password is not correct.
password-changed = Your password is changed.

## Case desk
desk-title = Case desk
desk-filter-status = Status
desk-filter-category = Category
desk-filter-risk = Risk
desk-filter-assignee = Assigned to
desk-filter-any = any
desk-filter-mine = me
desk-filter-nobody = nobody yet
desk-filter-apply = Show
desk-count = { $total ->
    [one] One case
   *[other] { $total } cases
}
desk-count-more = More than { $total } cases
desk-empty = No cases match these filters.
desk-col-case = Case
desk-col-child = Child
desk-col-category = Category
desk-col-risk = Risk
desk-col-status = Status
desk-col-since-seen = Since last seen
desk-col-since-report = Since report
desk-col-assignee = Assignee
desk-unassigned = nobody
desk-assigned-me = me
desk-assigned-other = a colleague
desk-previous = Previous page
desk-next = Next page
desk-my-tasks = My tasks
desk-no-tasks = No open tasks are assigned to you.
name-hidden = (name hidden)

## Statuses
status-open = open (missing)
status-found_safe = found safe
status-found_harmed = found harmed
status-found_deceased = found deceased
status-support = support after return
status-closed = closed

## Categories
category-runaway = runaway
category-runaway_national = runaway (national)
category-runaway_international = runaway (international)
category-parental_abduction = parental abduction
category-parental_abduction_national = parental abduction (national)
category-parental_abduction_international = parental abduction (international)
category-criminal_abduction = criminal abduction
category-missing_unaccompanied_migrant = missing unaccompanied migrant child
category-lost_injured_otherwise_missing = lost, injured or otherwise missing

## Risk levels
risk-none = not assessed
risk-very_low = very low
risk-low = low
risk-medium = medium
risk-high = high

## Sex
sex-F = female
sex-M = male
sex-X = other
sex-unknown = not known

## Channels and callers
channel-phone = phone
channel-chat = chat
channel-email = e-mail
channel-web = web form
channel-sms = text message
channel-in_person = in person
channel-other = other
relation-none = not given (anonymous)
relation-parent = parent
relation-guardian = guardian
relation-relative = relative
relation-child = the child themselves
relation-friend = friend
relation-professional = professional
relation-police = police
relation-institution_staff = staff of an institution
relation-member_of_public = member of the public
relation-other = other

## Missing from
from-none = not given
from-home = home
from-institution = institution
from-reception_centre = reception centre
from-foster_placement = foster placement
from-other = elsewhere

## Units for clocks
unit-d = d
unit-h = h
unit-min = min

## Intake
intake-title = New report
intake-who = Who is missing
intake-given-name = Given name
intake-family-name = Family name
intake-names-hint = As written, in any script.
intake-latin-given = Given name in Latin letters
intake-latin-family = Family name in Latin letters
intake-aliases = Other names
intake-aliases-hint = Separate with commas.
intake-sex = Sex
intake-dob = Date of birth
intake-dob-hint = 2011-04-02, or 2011-04, or 2011 when only that is known.
intake-age = Or an estimated age
intake-age-from = from (years)
intake-age-to = to (years)
intake-when-where = Since when, and where
intake-last-seen-at = Last seen at
intake-last-seen-hint = Your local time: 2026-11-28 18:30.
intake-place = Place last seen
intake-region = Region
intake-region-hint = The region, prefecture or county, as your organisation names them: reports are counted by region to notice a rise.
intake-caller = Who is calling
intake-channel = Channel
intake-received-hint = Leave empty for now.
intake-choose = choose…
intake-received-at = Received at
intake-relation = Caller's relation to the child
intake-summary = What the caller reports
intake-category = Category
intake-more = More details
intake-description = Description (height, build, hair, clothes, marks)
intake-circumstances = Circumstances
intake-missing-from = Missing from
intake-missing-from-name = Name of the home, institution or centre
intake-registered-at = Registered there at
intake-registered-hint = For a child at a reception centre, your local time: a child gone within 48 hours of registration is a trafficking indicator.
intake-identifiers = Phone numbers and social-media handles
intake-phone = Phone number
intake-handle = Social-media handle
intake-matches = May be the same child
intake-matches-empty = Type a name to see cases that may be the same child.
intake-matches-none = No case with this name.
intake-risk = Risk questions
intake-risk-level = Risk level
intake-risk-suggested = Suggested level
intake-risk-not-yet = Answer the questions to see a suggestion.
intake-draft-restored = The report you had started is back, as it was kept at
intake-draft-discard = Discard it and start afresh
intake-save = Save the report
intake-errors = The report is not saved yet. Please correct:
intake-field-required = This is needed.

## Risk questions
riskq-under_13 = Is the child under 13?
riskq-disability_or_medical_need = Does the child have a disability or a medical need?
riskq-mental_health_or_self_harm = Mental health concerns or self-harm?
riskq-drugs_or_alcohol = Drugs or alcohol?
riskq-out_of_character = Is the absence out of character?
riskq-suspected_crime = Suspected victim of crime, or with people involved in crime?
riskq-in_care = Is the child in care?
riskq-previous_missing_episodes = Has the child gone missing before?
riskq-preparations_for_absence = Did the child take belongings, money or documents?
riskq-adverse_weather = Adverse weather?
riskwhy-under_13 = a child under 13 cannot keep themselves safe
riskwhy-disability_or_medical_need = needs care or medication
riskwhy-mental_health_or_self_harm = risk of self-harm
riskwhy-drugs_or_alcohol = drugs or alcohol lower the child's ability to keep safe
riskwhy-out_of_character = an absence out of character suggests something has happened
riskwhy-suspected_crime = substantial grounds that the child may be the victim of serious crime
riskwhy-in_care = children in care are more often exploited
riskwhy-previous_missing_episodes = repeat episodes raise the risk of exploitation
riskwhy-preparations_for_absence = a planned absence
riskwhy-adverse_weather = exposure to the weather

## After saving
next-title = Case { $number } is open.
next-high = High risk: hand the case over to the police now, and tell the supervisor.
next-medium = Medium risk: tell the police today and agree on the next check.
next-low = Keep in touch with the caller and review the risk as facts come in.
next-none = Assess the risk now: answer the risk questions on this page.

## Case page
case-title = Case { $number }
case-child = The child
case-photo = No photo
case-names = Names
case-latin = In Latin letters
case-aliases = Also known as
case-born = Born
case-age = Estimated age
case-sex = Sex
case-description = Description
case-nationalities = Nationalities
case-last-seen = Last seen
case-missing-from = Missing from
case-circumstances = Circumstances
case-category = Category
case-risk = Risk
case-status = Status
case-assignee = Assigned to
case-assign-me = Assign to me
case-opened = Opened
case-timeline = Timeline
case-contacts = Contacts
case-notes = Notes
case-note-add = Add a note
case-note-text = Note
case-note-save = Save the note
case-no-notes = No notes yet.
case-tasks = Tasks
case-task-title = Task
case-task-add = Add the task
case-task-done = Done
case-task-complete = Mark as done
case-no-tasks = No tasks.
case-identifiers = Identifiers
case-identifier-kind = Kind
case-identifier-value = Value
case-identifier-add = Add the identifier
case-no-identifiers = No identifiers.
case-persons = Persons of interest
case-no-persons = None recorded.
case-person-name = Name or description
case-person-relation = Relation to the child
case-person-add = Add the person
saved-person = The person of interest is saved.
case-change-status = Change the status
case-new-status = New status
case-status-reason = Why
case-status-submit = Change the status
case-no-steps = No status change is possible from here.
confirm-title = Confirm the status change
confirm-question = Change case { $number } from “{ $from }” to “{ $to }”?
confirm-yes = Yes, change it
confirm-no = No, go back
saved-note = The note is saved.
saved-status = The status is changed.
saved-task = The task is saved.
saved-identifier = The identifier is saved.
saved-assignment = The case is assigned to you.
identifier-phone = phone
identifier-social_handle = social-media handle
identifier-email = e-mail
identifier-vehicle = vehicle
identifier-address = address
identifier-other = other

## Events on the timeline
event-opened = opened the case
event-contact_added = recorded a contact
event-note_added = added a note
event-status_changed = changed the status to { $status }
event-recategorised = changed the category to { $category }
event-risk_assessed = assessed the risk as { $risk }
event-assigned = changed the assignment
event-identifier_linked = linked an identifier
event-person_linked = linked a person of interest
event-task_created = created a task
event-task_completed = completed a task
event-shared = shared the case with another organisation
event-indicator_observed = recorded a trafficking indicator
event-risk_questions_answered = answered risk questions
event-by = by { $who }
event-command-line = the command line
event-someone = a user

## Search
search-title = Search
search-query = Name, case number or identifier
search-submit = Search
search-names = Cases by name
search-number = Case by number
search-identifier = Cases with this identifier
search-nothing = Nothing found.

## Errors
error-title = Something is wrong
error-not-found = There is no such case, or it is not shared with your organisation.
error-forbidden = Your role does not allow this.
error-invalid = This was not accepted. Please correct:
error-conflict = This could not be done: the case has changed in the meantime, or this step is not possible from where it stands. Reload the page and try again.
error-internal = Something went wrong on our side. Nothing was lost; try again, and tell your administrator if it happens again.
error-back = Back to the case desk
error-bad-request = This address or form was not understood. Go back and try again.

## What can be wrong with a field (codes from the domain)
problem-required = is needed
problem-too_short = needs at least { $limit } characters
problem-too_long = is too long: at most { $limit } characters
problem-control_characters = contains invisible control characters; type it again
problem-implausible_time = is not a plausible time; check the year
problem-in_future = is in the future
problem-before_1990 = is before 1990; check the year
problem-before_last_seen = is before the child was last seen
problem-latitude = must be between -90 and 90
problem-longitude = must be between -180 and 180
problem-latitude_without_longitude = give both latitude and longitude, or neither
problem-too_many_aliases = at most { $limit } other names
problem-no_name = give at least a given name, a family name or another name
problem-born_after_last_seen = is after the day the child was last seen
problem-adult_at_last_seen = means the person was { $limit } or older when last seen; 116000 cases concern children
problem-age_range_reversed = the first age must not be greater than the second
problem-adult_age = must be under { $limit }; 116000 cases concern children
problem-country_code = must be a two-letter country code such as GR or RS
problem-language_code = must be a language code such as el, sr or ar
problem-language_tag = is not a language of this installation
problem-time_zone = must be a time zone such as Europe/Athens
problem-email = must be an e-mail address such as name@example.org
problem-no_letters_or_digits = has no letters or digits
problem-not_a_member = is not a colleague who can work on this case
problem-date_format = is not a date: write 2011-04-02, 2011-04 or 2011
problem-date_impossible = does not exist in the calendar
problem-time_format = is not a date and time such as 2026-11-28 18:30
problem-age_format = is not an age in years
problem-not_a_choice = is not one of the choices

## The same child across reports (record linkage)
match-title = Possibly the same child
match-none = No other case looks like the same child.
match-confirm = Confirm: the same child
match-reject = Reject: not the same child
match-reject-reason = Why not the same child
match-decided = Decided
match-by-person = linked by a person
match-status-suggested = not decided yet
match-status-confirmed = confirmed as the same child
match-status-rejected = rejected: not the same child
match-likelihood-almost_certain = almost certainly the same child
match-likelihood-very_likely = very likely the same child
match-likelihood-likely = likely the same child
match-likelihood-possible = possibly the same child
match-likelihood-unlikely = unlikely to be the same child
match-field-given_name = Given name
match-field-family_name = Family name
match-field-birth = Birth
match-field-sex = Sex
match-field-nationality = Nationality
match-level-exact = the same
match-level-same-sound = sounds the same, or another form of the name
match-level-very-similar = very similar
match-level-similar = similar
match-level-different = different
match-level-same-date = the same date
match-level-same-month-or-day-and-month-swapped = the same month, or day and month swapped
match-level-same-year = the same year
match-level-near-miss = close
match-level-years-overlap = the years overlap
match-level-same = the same
episodes-title = Episodes of this child
episodes-count = { $count ->
    [one] One episode
   *[other] { $count } episodes, confirmed as the same child
}
saved-match-confirm = Confirmed: the same child. The episodes are linked.
saved-match-reject = Rejected: not the same child. This pair will not be suggested again.
desk-episodes = ({ $count } episodes)
event-child_edited = corrected what is known of the child
case-edit-child = Correct the child's details
case-edit-child-save = Save the child's details
saved-child = The child's details are saved. Cases that may be the same child are shown below.

## Early warnings across cases
nav-warnings = Early warnings
warnings-title = Early warnings
warnings-closed-title = Closed warnings
warnings-intro = Patterns found across your organisation's cases, most urgent first. Acknowledge a warning you are looking into; close it when you have acted on it, or dismiss it when it is not a pattern.
warnings-show-closed = Closed warnings
warnings-show-live = Back to the open warnings
warnings-empty = No warning is waiting.
warnings-closed-empty = No warning has been closed yet.
warnings-level = Level
warnings-state = State
warnings-raised = Raised
warnings-updated = Last changed
warnings-evidence = Why
warnings-cases = Cases
warnings-decisions = Decisions
warnings-reason = Reason
warnings-reason-hint = Needed to act on or dismiss a warning: what was done, or why it is not a pattern.
warnings-acknowledge = Acknowledge
warnings-act = Acted on it
warnings-dismiss = Dismiss
warnings-refused = The decision is not saved. Please correct:
warnings-already-decided = This warning was already decided in the meantime; the page shows it as it stands now.
warning-kind-repeat_episodes = The same child missing again
warning-kind-place_cluster = Several children missing from one place
warning-kind-shared_identifier = The same identifier in several cases
warning-kind-trend = More reports than usual
warning-level-notice = notice
warning-level-elevated = elevated
warning-level-high = high
warning-state-open = open
warning-state-acknowledged = acknowledged
warning-state-acted = acted on
warning-state-dismissed = dismissed
warning-decision-acknowledge = acknowledged
warning-decision-act = acted on
warning-decision-dismiss = dismissed
case-warnings = Early warnings about this case
warnings-open-page = Open this warning
warnings-open-network = Open this warning and its network of cases and identifiers
warning-page-title = Early warning
warning-page-back = Back to the warnings
network-title = Network of cases and identifiers
network-intro = The cases of this warning, the other cases of your organisation that share an identifier with them, and every identifier that two or more of these cases hold. An identifier written in different ways (+30 69… and 0030 69…) is one.
network-cut = The network is larger than shown: at most { $cases } cases and { $identifiers } identifiers are shown, those that share the most first.
network-empty = No identifier is held by more than one of these cases any more.
network-svg-title = The cases (on the left) and the identifiers they share (on the right)
network-in-warning = case of this warning
network-hop = case one step further, through a shared identifier
network-one-step = one step further
network-list = The same as a list: each identifier and the cases that hold it
network-held-by = { $count ->
    [one] in one case
   *[other] in { $count } cases
}

## The trafficking concern on the case page
concern-title = Trafficking concern
concern-none = No trafficking concern from what is recorded so far
concern-possible = Possible victim of trafficking
concern-strong = Strong indications: possible victim of trafficking, to be confirmed now
concern-not-a-verdict = This is a concern for a person to confirm, never a verdict.
concern-score = Score { $score }, indicator catalogue { $version }
concern-reasons = Reasons
concern-no-reasons = No indicator is recorded or derived yet.
concern-points = { $points ->
    [one] +1 point
   *[other] +{ $points } points
}
concern-not-counted = { $points ->
    [one] 1 point
   *[other] { $points } points
}, not counted: vulnerability alone never raises a concern
concern-observed-by = observed, recorded by { $who }
concern-evidence = Evidence
concern-derived = derived by Homeward from the case
concern-derived-repeat_missing = { $count ->
    [one] one earlier episode of the same child
   *[other] { $count } earlier episodes of the same child
}
concern-derived-missing_from_care = went missing from care ({ $place })
concern-derived-unaccompanied_within_48h = went missing { $hours } h after registration
concern-derived-age_13_17 = aged { $age } when last seen
concern-not-assessed = This case could not be assessed against indicator catalogue { $version }: the indicator “{ $indicator }” recorded on it is not in that catalogue. Ask an administrator to review the catalogue.
concern-record = Record an observed indicator
concern-indicator = Indicator observed
concern-evidence-label = Evidence: what was seen or said
concern-evidence-hint = Kept as a note on the case.
concern-record-submit = Record the indicator
concern-already-recorded = This indicator is already recorded on the case. Record it again only with new evidence.
concern-refused = The indicator is not recorded. See the problem beside the form.
concern-group-missing_pattern = How the child went missing
concern-group-contacts = People around the child
concern-group-exploitation_purpose = Signs of exploitation
concern-group-control = Control over the child
concern-group-vulnerability = Vulnerability (never decisive alone)
saved-indicator = The indicator is recorded and the trafficking concern is recomputed.

## The risk questions on the case page
riskcase-none-answered = No risk question is answered yet.
riskcase-higher = The answers suggest a higher level than the one recorded ({ $recorded }). Review the risk level.
riskcase-not-a-verdict = A suggestion from the answers: the level recorded on the case is a person's decision.
riskcase-answers = Answers
riskcase-yes = Yes
riskcase-no = No
riskcase-not-asked = Not asked
riskcase-raises = raises the risk
riskcase-answered-by = answered by { $who }
riskcase-unanswered = Not asked yet
riskcase-record = Answer the risk questions
riskcase-record-hint = Only the questions answered here are recorded, as answered now by you; a new answer replaces the earlier one.
riskcase-record-submit = Record the answers
riskcase-at-least-one = An answer to at least one question
riskcase-refused = The answers are not recorded. See the problem beside the form.
saved-risk-answers = The answers are recorded and the suggested level is recomputed.

# Response targets and escalation
nav-escalations = Escalations
escalations-title = Escalations
escalations-acknowledged-title = Acknowledged escalations
escalations-intro = Response targets missed and tasks overdue on your organisation's cases, most overdue first. Each is raised again every half hour until a supervisor acknowledges it.
duty-title = On duty
duty-nobody = No supervisor is on duty: escalations are e-mailed to every supervisor.
duty-list = On duty (escalations are e-mailed to them):
duty-until = until
duty-mine = You are on duty until
duty-hours = On duty for
duty-hours-unit = hours
duty-take = Take the duty
duty-end = End my duty
escalations-show-acknowledged = Acknowledged escalations
escalations-show-open = Back to the open escalations
escalations-empty = No escalation is waiting.
escalations-acknowledged-empty = No escalation has been acknowledged yet.
escalations-col-what = What was missed
escalations-col-due = Due
escalations-col-raised = Raised
escalations-col-action = Acknowledge
escalations-col-acknowledged = Acknowledged
escalations-overdue = overdue by
escalations-cleared = no longer missed since
escalations-repeats = { $count ->
    [one] raised again once
   *[other] raised again { $count } times
}
escalations-cycle = (missed period { $cycle })
escalations-task = Task
escalations-note = Note (optional)
escalations-acknowledge = Acknowledge
escalations-acknowledged = acknowledged
notifications-failed-title = Notifications that could not be delivered
notifications-failed-intro = Every attempt to send these failed, so the people they were for may not know. Tell them another way, and have the mail relay or the webhook checked.
notifications-col-to = To
notifications-col-about = About
notifications-col-error = Last error
notifications-col-failed = Given up
notifications-channel-email = e-mail
notifications-channel-webhook = webhook
notifications-attempts = after { $count ->
    [one] one attempt
   *[other] { $count } attempts
}
notify-email-subject = Escalation: { $case }: { $what }
notify-email-subject-repeat = Escalation, still not acknowledged: { $case }: { $what }
notify-email-missed = A response deadline was missed on case { $case }.
notify-email-what = Missed: { $what }
notify-email-deadline = Deadline: { $deadline }
notify-email-repeats = { $count ->
    [one] Raised again once: nobody has acknowledged it yet.
   *[other] Raised again { $count } times: nobody has acknowledged it yet.
}
notify-email-open = Open the case: { $link }
notify-email-acknowledge = Acknowledge it in the escalation queue: { $link }
notify-email-no-personal-data = This message carries no personal data of the child; read the case in Homeward.
case-escalations = Escalations on this case
case-police = Police
case-police-none = No police unit is set up in Homeward yet; an administrator adds one as an organisation of kind police unit.
case-police-unit = Police unit
case-police-reference = Police reference (optional)
case-police-hand-over = Record the hand-over to the police
case-task-due = due
saved-handover = The hand-over to the police is recorded, and the case is shared with the unit.
saved-acknowledged = The escalation is acknowledged.
event-handed_to_police = handed the case over to the police

## Police hand-over package
handover-open = Hand-over package for the police (printable, and as JSON)
handover-title = Police hand-over package: case { $number }
handover-back = Back to the case
handover-json = As JSON
handover-print-hint = Print this page with your browser's print command: the navigation and these links are left out.
handover-summary = The case
handover-case-number = Case number
handover-organisation = Reporting organisation
handover-prepared = Package prepared
handover-records = Hand-overs to the police
handover-none = Not handed over to the police yet.
handover-when = When
handover-unit = Police unit
handover-by = Handed over by
handover-reference = Police reference
handover-no-reference = none given
handover-photo = Photograph
handover-photo-not_kept = Homeward keeps no photograph of the child. Ask the reporting organisation or the family for one.

## Child alerts (staff) and the public alert pages
nav-alerts = Alerts
alerts-title = Child alerts
alerts-intro = Alert requests and live alerts of your organisation. An alert is published only when every criterion is confirmed and the police's approval and the prosecutor's order are recorded.
alerts-empty = No alert has been requested.
alerts-col-state = State
alerts-col-requested = Requested
alerts-col-ends = Ends
alerts-state-requested = Requested, not published
alerts-state-published = Published
alerts-state-cancelled = Cancelled
alerts-state-expired = Expired
alerts-request = Request a child alert
alerts-request-intro = Record which fields the guardians consented to publish. Only those fields will ever be public.
alerts-request-from-case = The name, age, description and last-seen place and time are taken from the case, where consented; you can correct them on the next page.
alerts-consent = Consent of the guardians
alerts-consent-given-by = Consent given by (relation to the child)
alerts-consent-recorded = Given by { $given_by }, recorded
alerts-field-name = Name
alerts-field-age = Age
alerts-field-photo = Photograph reference
alerts-field-description = Description
alerts-field-last_seen = Last seen (place and time)
alerts-field-contact_phone = Hotline phone for sightings
alerts-page-title = Child alert for { $case }
alerts-public-page = Public page
alerts-criteria = Criteria (all must hold)
alerts-criterion-under_eighteen = The child is under 18
alerts-criterion-abduction = A proven abduction or clear signs of one
alerts-criterion-high_risk = The child's life or health is at high risk
alerts-criterion-helpful_information = Publishing information would help to find the child
alerts-criterion-no_added_risk = Publishing does not add to the risk to the child
alerts-confirmed-by = Confirmed by { $who }
alerts-not-confirmed = Not confirmed yet
alerts-note = Why (optional)
alerts-confirm = Confirm
alerts-approvals = Approvals
alerts-police_approval = Police approval
alerts-prosecutor_order = Prosecutor's order
alerts-reference = Reference
alerts-given-at = Given at (UTC, blank for now)
alerts-recorded-by = Recorded by { $who }
alerts-not-recorded = Not recorded yet
alerts-record = Record
alerts-content = What is published
alerts-content-name = Name
alerts-content-age = Age
alerts-content-description = Description
alerts-content-last_seen_place = Last seen at
alerts-content-photo_ref = Photograph reference
alerts-content-contact_phone = Hotline phone
alerts-update = Update the published alert
alerts-save-content = Save
alerts-publication = Publication
alerts-published-at = Published
alerts-missing = { $count } things are still missing before publication.
alerts-hours = Hours until it ends (at most 24)
alerts-publish = Publish
alerts-extend-hours = Ends this many hours after publication (at most 24)
alerts-extend = Extend
alerts-cancel = Cancel the alert
public-cap-feed-title = Child alerts (CAP 1.2)
public-feed-title = Child alerts
public-alert-event = Missing child
public-alert-headline = Missing child: please help
public-alert-headline-named = Missing child: { $name }
public-alert-age-text = Age { $age }.
public-alert-last-seen-text = Last seen at { $place } on { $at }.
public-alert-last-seen-place-text = Last seen at { $place }.
public-alert-last-seen-at-text = Last seen on { $at }.
public-alert-instruction = If you have seen this child, report it at once on this alert's page. Do not approach anyone yourself.
public-alert-instruction-phone = If you have seen this child, call { $phone } at once or report it on this alert's page. Do not approach anyone yourself.
public-alert-cancelled = This alert has been cancelled
public-alert-name = Name
public-alert-age = Age
public-alert-description = Description
public-alert-last-seen-place = Last seen at
public-alert-last-seen-at = Last seen on
public-alert-photo = Photograph
public-alert-phone = Call
public-alert-ends = This alert ends
public-alert-report-sighting = I have seen this child
public-alert-issued-by = Issued by { $organisation }
public-alert-inactive-title = Alert not active
public-alert-inactive = This alert is no longer active.

## Sightings from the public
nav-sightings = Sightings
sighting-title = Report a sighting
sighting-intro = Have you seen a missing child? Tell us where, when and what you saw. You do not need an account, and giving your name is up to you.
sighting-urgent = If the child is in danger right now, call 112. To talk to someone, call 116000.
sighting-about-alert = About the child alert
sighting-place = Where
sighting-coordinates = Coordinates
sighting-coordinates-hint = Optional: latitude and longitude, e.g. 37.98400 and 23.72800.
sighting-lat = Latitude
sighting-lon = Longitude
sighting-use-location = Use my location
sighting-locating = Finding your location…
sighting-location-failed = Your location could not be found; type the place instead.
sighting-seen-at = When (your local time)
sighting-offset = Time zone
sighting-description = What did you see?
sighting-contact = How can we reach you?
sighting-contact-hint = Optional. We only use it to ask about what you saw.
sighting-contact-name = Name
sighting-contact-phone = Phone
sighting-contact-email = E-mail
sighting-alert = Alert
sighting-reason = Reason
sighting-photo = Photo
sighting-photo-hint = Optional: a JPEG, PNG or WebP image of at most { $mb } MB.
sighting-send = Send the sighting
sighting-sent-title = Thank you
sighting-sent = Your sighting has reached the hotline. Someone will look at it soon.
sighting-reference = Your reference:
sighting-send-another = Send another sighting
sighting-throttled = Too many sightings were sent from your connection just now. Please try again in { $minutes } minutes, or call 116000.
sighting-too-large = The photo is too large: at most { $mb } MB. Choose a smaller photo, or send the sighting without one.
sighting-not-an-image = The file is not a photo we can take (JPEG, PNG or WebP). Choose another file, or send the sighting without one.
sighting-unreadable = The form could not be read. Please fill it in again.
sighting-invalid = Please check the fields marked below.
sighting-local-time = (the sender's local time)
sighting-page-title = Sighting from the public
sighting-photo-alt = The photo sent with the sighting
sighting-attached-to = Attached to case
sighting-dismissed = Dismissed
sighting-attach-title = Attach to a case
sighting-no-open-cases = Your organisation has no open case to attach it to.
sighting-case = Case
sighting-attach = Attach to this case
sighting-dismiss-title = Dismiss
sighting-dismiss = Dismiss the sighting
sightings-title = Sightings from the public
sightings-intro = Sightings sent by the public and not yet attached to a case or dismissed, newest first.
sightings-public-link = The public form
sightings-empty = No sightings are waiting.
sightings-col-received = Received
sightings-photo-yes = photo
sightings-back = Back to the sightings
sightings-seen = Seen
sightings-what = What was seen
case-sightings = Sightings from the public
case-sightings-last-seen = Last seen
case-sightings-distance = { $km } km from where the child was last seen
case-sightings-photo = Photo
case-sightings-plot = The last-seen point and the sightings, north up
case-sightings-point = Sighting
case-sightings-plot-caption = L is where the child was last seen; the numbers are the sightings in the list.
event-sighting_attached = attached a sighting from the public
saved-sighting = The sighting was attached to this case.
