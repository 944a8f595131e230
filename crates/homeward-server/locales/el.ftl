# Το περιβάλλον του Homeward στα ελληνικά. Τα ίδια αναγνωριστικά μηνυμάτων με το en.ftl.
language-name = Ελληνικά
app-name = Homeward
skip-to-content = Μετάβαση στο περιεχόμενο
nav-desk = Υποθέσεις
nav-intake = Νέα αναφορά
nav-search = Αναζήτηση
signed-in-as = Συνδεδεμένος/η ως { $email } ({ $role })
nav-settings = Ρυθμίσεις
settings-title = Οι ρυθμίσεις σας
settings-time-zone = Ζώνη ώρας
settings-time-zone-hint = Π.χ. Europe/Athens· αφήστε κενό για τη ζώνη του φυλλομετρητή σας.
settings-save = Αποθήκευση ρυθμίσεων
log-out = Αποσύνδεση
language-label = Γλώσσα
save-language = Αλλαγή

## Ρόλοι
role-operator = χειριστής/τρια γραμμής
role-case_manager = υπεύθυνος/η υπόθεσης
role-supervisor = επόπτης/τρια
role-police_liaison = σύνδεσμος με την αστυνομία
role-analyst = αναλυτής/τρια
role-admin = διαχειριστής/τρια

## Σύνδεση
login-title = Σύνδεση
login-email = Διεύθυνση e-mail
login-password = Κωδικός πρόσβασης
login-submit = Σύνδεση
login-failed = Η διεύθυνση e-mail ή ο κωδικός δεν είναι σωστά.
login-throttled = Πάρα πολλές αποτυχημένες συνδέσεις. Περιμένετε { $minutes } λεπτό/ά και δοκιμάστε ξανά.
login-expired = Η συνεδρία σας έληξε. Συνδεθείτε ξανά για να συνεχίσετε· ό,τι αποθηκεύσατε δεν χάθηκε.
login-required = Συνδεθείτε για να δείτε αυτή τη σελίδα.
logged-out = Αποσυνδεθήκατε.
password-title = Επιλέξτε δικό σας κωδικό
password-explain = Συνδεθήκατε με κωδικό μιας χρήσης. Επιλέξτε δικό σας πριν ξεκινήσετε.
password-current = Τρέχων κωδικός (μιας χρήσης)
password-new = Νέος κωδικός
password-new-hint = Τουλάχιστον 12 χαρακτήρες.
password-submit = Αποθήκευση κωδικού
password-wrong = Ο τρέχων κωδικός δεν είναι σωστός.
password-changed = Ο κωδικός σας άλλαξε.

## Υποθέσεις
desk-title = Υποθέσεις
desk-filter-status = Κατάσταση
desk-filter-category = Κατηγορία
desk-filter-risk = Κίνδυνος
desk-filter-assignee = Ανατέθηκε σε
desk-filter-any = όλες
desk-filter-mine = εμένα
desk-filter-nobody = κανέναν ακόμη
desk-filter-apply = Εμφάνιση
desk-count = { $total ->
    [one] Μία υπόθεση
   *[other] { $total } υποθέσεις
}
desk-count-more = Περισσότερες από { $total } υποθέσεις
desk-empty = Καμία υπόθεση δεν ταιριάζει σε αυτά τα φίλτρα.
desk-col-case = Υπόθεση
desk-col-child = Παιδί
desk-col-category = Κατηγορία
desk-col-risk = Κίνδυνος
desk-col-status = Κατάσταση
desk-col-since-seen = Από την τελευταία θέαση
desk-col-since-report = Από την αναφορά
desk-col-assignee = Ανάθεση
desk-unassigned = κανείς
desk-assigned-me = εγώ
desk-assigned-other = συνάδελφος
desk-previous = Προηγούμενη σελίδα
desk-next = Επόμενη σελίδα
desk-my-tasks = Οι εργασίες μου
desk-no-tasks = Δεν σας έχουν ανατεθεί ανοιχτές εργασίες.
name-hidden = (κρυφό όνομα)

## Καταστάσεις
status-open = ανοιχτή (αγνοείται)
status-found_safe = βρέθηκε ασφαλές
status-found_harmed = βρέθηκε τραυματισμένο
status-found_deceased = βρέθηκε νεκρό
status-support = υποστήριξη μετά την επιστροφή
status-closed = κλειστή

## Κατηγορίες
category-runaway = φυγή
category-runaway_national = φυγή (εντός χώρας)
category-runaway_international = φυγή (διεθνής)
category-parental_abduction = γονική απαγωγή
category-parental_abduction_national = γονική απαγωγή (εντός χώρας)
category-parental_abduction_international = γονική απαγωγή (διεθνής)
category-criminal_abduction = εγκληματική απαγωγή
category-missing_unaccompanied_migrant = εξαφάνιση ασυνόδευτου ανήλικου μετανάστη
category-lost_injured_otherwise_missing = χαμένο, τραυματισμένο ή αγνοούμενο για άλλο λόγο

## Επίπεδα κινδύνου
risk-none = δεν έχει εκτιμηθεί
risk-very_low = πολύ χαμηλός
risk-low = χαμηλός
risk-medium = μέτριος
risk-high = υψηλός

## Φύλο
sex-F = κορίτσι
sex-M = αγόρι
sex-X = άλλο
sex-unknown = άγνωστο

## Κανάλια και καλούντες
channel-phone = τηλέφωνο
channel-chat = συνομιλία
channel-email = e-mail
channel-web = φόρμα ιστού
channel-sms = γραπτό μήνυμα
channel-in_person = αυτοπροσώπως
channel-other = άλλο
relation-none = δεν δόθηκε (ανώνυμα)
relation-parent = γονέας
relation-guardian = κηδεμόνας
relation-relative = συγγενής
relation-child = το ίδιο το παιδί
relation-friend = φίλος/η
relation-professional = επαγγελματίας
relation-police = αστυνομία
relation-institution_staff = προσωπικό ιδρύματος
relation-member_of_public = πολίτης
relation-other = άλλο

## Από πού εξαφανίστηκε
from-none = δεν δόθηκε
from-home = σπίτι
from-institution = ίδρυμα
from-reception_centre = κέντρο υποδοχής
from-foster_placement = ανάδοχη οικογένεια
from-other = αλλού

## Μονάδες ρολογιών
unit-d = ημ.
unit-h = ώρ.
unit-min = λεπ.

## Νέα αναφορά
intake-title = Νέα αναφορά
intake-who = Ποιος αγνοείται
intake-given-name = Όνομα
intake-family-name = Επώνυμο
intake-names-hint = Όπως γράφεται, σε οποιαδήποτε γραφή.
intake-latin-given = Όνομα με λατινικούς χαρακτήρες
intake-latin-family = Επώνυμο με λατινικούς χαρακτήρες
intake-aliases = Άλλα ονόματα
intake-aliases-hint = Χωρίστε με κόμματα.
intake-sex = Φύλο
intake-dob = Ημερομηνία γέννησης
intake-dob-hint = 2011-04-02, ή 2011-04, ή 2011 όταν μόνο αυτό είναι γνωστό.
intake-age = Ή εκτιμώμενη ηλικία
intake-age-from = από (έτη)
intake-age-to = έως (έτη)
intake-when-where = Από πότε και πού
intake-last-seen-at = Θεάθηκε τελευταία
intake-last-seen-hint = Τοπική ώρα: 2026-11-28 18:30.
intake-place = Τόπος τελευταίας θέασης
intake-region = Περιφέρεια
intake-region-hint = Η περιφέρεια ή ο νομός, όπως τους ονομάζει ο οργανισμός σας: οι αναφορές μετρώνται ανά περιφέρεια για να φανεί μια αύξηση.
intake-caller = Ποιος καλεί
intake-channel = Κανάλι
intake-received-hint = Αφήστε κενό για «τώρα».
intake-choose = επιλέξτε…
intake-received-at = Λήφθηκε
intake-relation = Σχέση καλούντος με το παιδί
intake-summary = Τι αναφέρει ο καλών
intake-category = Κατηγορία
intake-more = Περισσότερα στοιχεία
intake-description = Περιγραφή (ύψος, σωματότυπος, μαλλιά, ρούχα, σημάδια)
intake-circumstances = Συνθήκες
intake-missing-from = Εξαφανίστηκε από
intake-missing-from-name = Όνομα σπιτιού, ιδρύματος ή κέντρου
intake-registered-at = Ώρα καταγραφής εκεί
intake-registered-hint = Για παιδί σε κέντρο υποδοχής, τοπική ώρα: παιδί που χάνεται μέσα σε 48 ώρες από την καταγραφή είναι ένδειξη εμπορίας.
intake-identifiers = Αριθμοί τηλεφώνου και λογαριασμοί κοινωνικών δικτύων
intake-phone = Αριθμός τηλεφώνου
intake-handle = Λογαριασμός κοινωνικού δικτύου
intake-matches = Ίσως το ίδιο παιδί
intake-matches-empty = Γράψτε ένα όνομα για να δείτε υποθέσεις που ίσως αφορούν το ίδιο παιδί.
intake-matches-none = Καμία υπόθεση με αυτό το όνομα.
intake-risk = Ερωτήσεις κινδύνου
intake-risk-level = Επίπεδο κινδύνου
intake-risk-suggested = Προτεινόμενο επίπεδο
intake-risk-not-yet = Απαντήστε στις ερωτήσεις για να δείτε πρόταση.
intake-draft-restored = Η αναφορά που είχατε ξεκινήσει επανήλθε, όπως φυλάχτηκε στις
intake-draft-discard = Απόρριψη και νέα αρχή
intake-save = Αποθήκευση αναφοράς
intake-errors = Η αναφορά δεν αποθηκεύτηκε ακόμη. Διορθώστε:
intake-field-required = Χρειάζεται.

## Ερωτήσεις κινδύνου
riskq-under_13 = Είναι το παιδί κάτω των 13;
riskq-disability_or_medical_need = Έχει το παιδί αναπηρία ή ιατρική ανάγκη;
riskq-mental_health_or_self_harm = Ψυχική υγεία ή αυτοτραυματισμός;
riskq-drugs_or_alcohol = Ναρκωτικά ή αλκοόλ;
riskq-out_of_character = Είναι η απουσία ασυνήθιστη για το παιδί;
riskq-suspected_crime = Πιθανό θύμα εγκλήματος, ή με άτομα που εμπλέκονται σε εγκλήματα;
riskq-in_care = Βρίσκεται το παιδί σε φροντίδα (ίδρυμα, αναδοχή);
riskq-previous_missing_episodes = Έχει εξαφανιστεί ξανά στο παρελθόν;
riskq-preparations_for_absence = Πήρε μαζί του πράγματα, χρήματα ή έγγραφα;
riskq-adverse_weather = Δυσμενείς καιρικές συνθήκες;
riskwhy-under_13 = ένα παιδί κάτω των 13 δεν μπορεί να προστατεύσει τον εαυτό του
riskwhy-disability_or_medical_need = χρειάζεται φροντίδα ή φάρμακα
riskwhy-mental_health_or_self_harm = κίνδυνος αυτοτραυματισμού
riskwhy-drugs_or_alcohol = τα ναρκωτικά ή το αλκοόλ μειώνουν την ικανότητα του παιδιού να προστατευτεί
riskwhy-out_of_character = μια ασυνήθιστη απουσία δείχνει ότι κάτι συνέβη
riskwhy-suspected_crime = σοβαρές ενδείξεις ότι το παιδί ίσως είναι θύμα σοβαρού εγκλήματος
riskwhy-in_care = τα παιδιά σε φροντίδα πέφτουν συχνότερα θύματα εκμετάλλευσης
riskwhy-previous_missing_episodes = οι επαναλαμβανόμενες εξαφανίσεις αυξάνουν τον κίνδυνο εκμετάλλευσης
riskwhy-preparations_for_absence = σχεδιασμένη απουσία
riskwhy-adverse_weather = έκθεση στις καιρικές συνθήκες

## Μετά την αποθήκευση
next-title = Η υπόθεση { $number } άνοιξε.
next-high = Υψηλός κίνδυνος: παραδώστε την υπόθεση στην αστυνομία τώρα και ενημερώστε τον/την επόπτη/τρια.
next-medium = Μέτριος κίνδυνος: ενημερώστε την αστυνομία σήμερα και συμφωνήστε τον επόμενο έλεγχο.
next-low = Μείνετε σε επαφή με τον καλούντα και επανεκτιμήστε τον κίνδυνο καθώς έρχονται στοιχεία.
next-none = Εκτιμήστε τον κίνδυνο τώρα: απαντήστε στις ερωτήσεις κινδύνου.

## Σελίδα υπόθεσης
case-title = Υπόθεση { $number }
case-child = Το παιδί
case-photo = Χωρίς φωτογραφία
case-names = Ονόματα
case-latin = Με λατινικούς χαρακτήρες
case-aliases = Γνωστό/ή και ως
case-born = Γέννηση
case-age = Εκτιμώμενη ηλικία
case-sex = Φύλο
case-description = Περιγραφή
case-nationalities = Υπηκοότητες
case-last-seen = Τελευταία θέαση
case-missing-from = Εξαφανίστηκε από
case-circumstances = Συνθήκες
case-category = Κατηγορία
case-risk = Κίνδυνος
case-status = Κατάσταση
case-assignee = Ανάθεση
case-assign-me = Ανάθεση σε εμένα
case-opened = Άνοιξε
case-timeline = Χρονολόγιο
case-contacts = Επαφές
case-notes = Σημειώσεις
case-note-add = Προσθήκη σημείωσης
case-note-text = Σημείωση
case-note-save = Αποθήκευση σημείωσης
case-no-notes = Καμία σημείωση ακόμη.
case-tasks = Εργασίες
case-task-title = Εργασία
case-task-add = Προσθήκη εργασίας
case-task-done = Ολοκληρώθηκε
case-task-complete = Σήμανση ως ολοκληρωμένη
case-no-tasks = Καμία εργασία.
case-identifiers = Αναγνωριστικά
case-identifier-kind = Είδος
case-identifier-value = Τιμή
case-identifier-add = Προσθήκη αναγνωριστικού
case-no-identifiers = Κανένα αναγνωριστικό.
case-persons = Πρόσωπα ενδιαφέροντος
case-no-persons = Κανένα καταγεγραμμένο.
case-person-name = Όνομα ή περιγραφή
case-person-relation = Σχέση με το παιδί
case-person-add = Προσθήκη προσώπου
saved-person = Το πρόσωπο ενδιαφέροντος αποθηκεύτηκε.
case-change-status = Αλλαγή κατάστασης
case-new-status = Νέα κατάσταση
case-status-reason = Αιτιολογία
case-status-submit = Αλλαγή κατάστασης
case-no-steps = Δεν είναι δυνατή αλλαγή κατάστασης από εδώ.
confirm-title = Επιβεβαίωση αλλαγής κατάστασης
confirm-question = Αλλαγή της υπόθεσης { $number } από «{ $from }» σε «{ $to }»;
confirm-yes = Ναι, αλλαγή
confirm-no = Όχι, επιστροφή
saved-note = Η σημείωση αποθηκεύτηκε.
saved-status = Η κατάσταση άλλαξε.
saved-task = Η εργασία αποθηκεύτηκε.
saved-identifier = Το αναγνωριστικό αποθηκεύτηκε.
saved-assignment = Η υπόθεση σας ανατέθηκε.
identifier-phone = τηλέφωνο
identifier-social_handle = λογαριασμός κοινωνικού δικτύου
identifier-email = e-mail
identifier-vehicle = όχημα
identifier-address = διεύθυνση
identifier-other = άλλο

## Γεγονότα στο χρονολόγιο
event-opened = άνοιξε την υπόθεση
event-contact_added = κατέγραψε επαφή
event-note_added = πρόσθεσε σημείωση
event-status_changed = άλλαξε την κατάσταση σε { $status }
event-recategorised = άλλαξε την κατηγορία σε { $category }
event-risk_assessed = εκτίμησε τον κίνδυνο ως { $risk }
event-assigned = άλλαξε την ανάθεση
event-identifier_linked = συνέδεσε αναγνωριστικό
event-person_linked = συνέδεσε πρόσωπο ενδιαφέροντος
event-task_created = δημιούργησε εργασία
event-task_completed = ολοκλήρωσε εργασία
event-shared = μοιράστηκε την υπόθεση με άλλο φορέα
event-indicator_observed = κατέγραψε ένδειξη εμπορίας
event-risk_questions_answered = απάντησε σε ερωτήσεις κινδύνου
event-by = από { $who }
event-command-line = τη γραμμή εντολών
event-someone = χρήστη

## Αναζήτηση
search-title = Αναζήτηση
search-query = Όνομα, αριθμός υπόθεσης ή αναγνωριστικό
search-submit = Αναζήτηση
search-names = Υποθέσεις κατά όνομα
search-number = Υπόθεση κατά αριθμό
search-identifier = Υποθέσεις με αυτό το αναγνωριστικό
search-nothing = Δεν βρέθηκε τίποτα.

## Σφάλματα
error-title = Κάτι δεν πάει καλά
error-not-found = Δεν υπάρχει τέτοια υπόθεση, ή δεν έχει κοινοποιηθεί στον φορέα σας.
error-forbidden = Ο ρόλος σας δεν το επιτρέπει.
error-invalid = Δεν έγινε δεκτό. Διορθώστε:
error-conflict = Δεν ήταν δυνατό: η υπόθεση άλλαξε στο μεταξύ ή αυτό το βήμα δεν επιτρέπεται από την τρέχουσα κατάσταση. Ανανεώστε τη σελίδα και δοκιμάστε ξανά.
error-internal = Κάτι πήγε στραβά από τη δική μας πλευρά. Τίποτα δεν χάθηκε· δοκιμάστε ξανά και ενημερώστε τον διαχειριστή αν επαναληφθεί.
error-back = Επιστροφή στις υποθέσεις
error-bad-request = Η διεύθυνση ή η φόρμα δεν έγινε κατανοητή. Επιστρέψτε και δοκιμάστε ξανά.

## What can be wrong with a field (codes from the domain)
problem-required = χρειάζεται
problem-too_short = χρειάζεται τουλάχιστον { $limit } χαρακτήρες
problem-too_long = είναι πολύ μεγάλο: έως { $limit } χαρακτήρες
problem-control_characters = περιέχει αόρατους χαρακτήρες ελέγχου· πληκτρολογήστε το ξανά
problem-implausible_time = δεν είναι εύλογη ώρα· ελέγξτε το έτος
problem-in_future = είναι στο μέλλον
problem-before_1990 = είναι πριν από το 1990· ελέγξτε το έτος
problem-before_last_seen = είναι πριν από την τελευταία θέαση του παιδιού
problem-latitude = πρέπει να είναι μεταξύ -90 και 90
problem-longitude = πρέπει να είναι μεταξύ -180 και 180
problem-latitude_without_longitude = δώστε και γεωγραφικό πλάτος και μήκος, ή κανένα
problem-too_many_aliases = έως { $limit } άλλα ονόματα
problem-no_name = δώστε τουλάχιστον όνομα, επώνυμο ή άλλο όνομα
problem-born_after_last_seen = είναι μετά την ημέρα της τελευταίας θέασης
problem-adult_at_last_seen = σημαίνει ότι το άτομο ήταν { $limit } ετών ή μεγαλύτερο· οι υποθέσεις 116000 αφορούν παιδιά
problem-age_range_reversed = η πρώτη ηλικία δεν πρέπει να είναι μεγαλύτερη από τη δεύτερη
problem-adult_age = πρέπει να είναι κάτω από { $limit }· οι υποθέσεις 116000 αφορούν παιδιά
problem-country_code = πρέπει να είναι κωδικός χώρας δύο γραμμάτων, π.χ. GR ή RS
problem-language_code = πρέπει να είναι κωδικός γλώσσας, π.χ. el, sr ή ar
problem-language_tag = δεν είναι γλώσσα αυτής της εγκατάστασης
problem-time_zone = πρέπει να είναι ζώνη ώρας, π.χ. Europe/Athens
problem-email = πρέπει να είναι διεύθυνση e-mail, π.χ. name@example.org
problem-no_letters_or_digits = δεν έχει γράμματα ή ψηφία
problem-not_a_member = δεν είναι συνάδελφος που μπορεί να δουλέψει την υπόθεση
problem-date_format = δεν είναι ημερομηνία: γράψτε 2011-04-02, 2011-04 ή 2011
problem-date_impossible = δεν υπάρχει στο ημερολόγιο
problem-time_format = δεν είναι ημερομηνία και ώρα, π.χ. 2026-11-28 18:30
problem-age_format = δεν είναι ηλικία σε έτη
problem-not_a_choice = δεν είναι μία από τις επιλογές

## Το ίδιο παιδί σε πολλές αναφορές (σύνδεση εγγραφών)
match-title = Ίσως το ίδιο παιδί
match-none = Καμία άλλη υπόθεση δεν μοιάζει να αφορά το ίδιο παιδί.
match-confirm = Επιβεβαίωση: το ίδιο παιδί
match-reject = Απόρριψη: όχι το ίδιο παιδί
match-reject-reason = Γιατί δεν είναι το ίδιο παιδί
match-decided = Αποφασισμένα
match-by-person = συνδέθηκε από άνθρωπο
match-status-suggested = δεν έχει αποφασιστεί
match-status-confirmed = επιβεβαιώθηκε ως το ίδιο παιδί
match-status-rejected = απορρίφθηκε: όχι το ίδιο παιδί
match-likelihood-almost_certain = σχεδόν σίγουρα το ίδιο παιδί
match-likelihood-very_likely = πολύ πιθανόν το ίδιο παιδί
match-likelihood-likely = πιθανόν το ίδιο παιδί
match-likelihood-possible = ίσως το ίδιο παιδί
match-likelihood-unlikely = μάλλον όχι το ίδιο παιδί
match-field-given_name = Όνομα
match-field-family_name = Επώνυμο
match-field-birth = Γέννηση
match-field-sex = Φύλο
match-field-nationality = Ιθαγένεια
match-level-exact = ίδιο
match-level-same-sound = ακούγεται ίδιο, ή άλλη μορφή του ονόματος
match-level-very-similar = πολύ παρόμοιο
match-level-similar = παρόμοιο
match-level-different = διαφορετικό
match-level-same-date = ίδια ημερομηνία
match-level-same-month-or-day-and-month-swapped = ίδιος μήνας, ή ημέρα και μήνας ανάποδα
match-level-same-year = ίδιο έτος
match-level-near-miss = κοντινή
match-level-years-overlap = τα έτη συμπίπτουν
match-level-same = ίδιο
episodes-title = Επεισόδια αυτού του παιδιού
episodes-count = { $count ->
    [one] Ένα επεισόδιο
   *[other] { $count } επεισόδια, επιβεβαιωμένα ως το ίδιο παιδί
}
saved-match-confirm = Επιβεβαιώθηκε: το ίδιο παιδί. Τα επεισόδια συνδέθηκαν.
saved-match-reject = Απορρίφθηκε: όχι το ίδιο παιδί. Αυτό το ζεύγος δεν θα προταθεί ξανά.
desk-episodes = ({ $count } επεισόδια)
event-child_edited = διόρθωσε τα στοιχεία του παιδιού
case-edit-child = Διόρθωση των στοιχείων του παιδιού
case-edit-child-save = Αποθήκευση των στοιχείων του παιδιού
saved-child = Τα στοιχεία του παιδιού αποθηκεύτηκαν. Υποθέσεις που ίσως αφορούν το ίδιο παιδί φαίνονται παρακάτω.

## Έγκαιρες προειδοποιήσεις σε πολλές υποθέσεις
nav-warnings = Προειδοποιήσεις
warnings-title = Έγκαιρες προειδοποιήσεις
warnings-closed-title = Κλειστές προειδοποιήσεις
warnings-intro = Μοτίβα που εντοπίστηκαν στις υποθέσεις του φορέα σας, τα πιο επείγοντα πρώτα. Σημειώστε ότι λάβατε γνώση μιας προειδοποίησης που εξετάζετε· κλείστε την όταν έχετε ενεργήσει, ή απορρίψτε την όταν δεν πρόκειται για μοτίβο.
warnings-show-closed = Κλειστές προειδοποιήσεις
warnings-show-live = Επιστροφή στις ανοιχτές προειδοποιήσεις
warnings-empty = Δεν εκκρεμεί καμία προειδοποίηση.
warnings-closed-empty = Δεν έχει κλείσει ακόμη καμία προειδοποίηση.
warnings-level = Επίπεδο
warnings-state = Κατάσταση
warnings-raised = Εμφανίστηκε
warnings-updated = Τελευταία αλλαγή
warnings-evidence = Γιατί
warnings-cases = Υποθέσεις
warnings-decisions = Αποφάσεις
warnings-reason = Αιτιολογία
warnings-reason-hint = Χρειάζεται για να καταγραφεί ενέργεια ή απόρριψη: τι έγινε, ή γιατί δεν πρόκειται για μοτίβο.
warnings-acknowledge = Έλαβα γνώση
warnings-act = Έγινε ενέργεια
warnings-dismiss = Απόρριψη
warnings-refused = Η απόφαση δεν αποθηκεύτηκε. Διορθώστε:
warnings-already-decided = Για την προειδοποίηση αυτή έχει ήδη ληφθεί απόφαση στο μεταξύ· η σελίδα τη δείχνει όπως είναι τώρα.
warning-kind-repeat_episodes = Το ίδιο παιδί αγνοείται ξανά
warning-kind-place_cluster = Πολλά παιδιά εξαφανίστηκαν από τον ίδιο χώρο
warning-kind-shared_identifier = Το ίδιο αναγνωριστικό σε πολλές υποθέσεις
warning-kind-trend = Περισσότερες αναφορές από το σύνηθες
warning-level-notice = ενημερωτικό
warning-level-elevated = αυξημένο
warning-level-high = υψηλό
warning-state-open = ανοιχτή
warning-state-acknowledged = ελήφθη γνώση
warning-state-acted = έγινε ενέργεια
warning-state-dismissed = απορρίφθηκε
warning-decision-acknowledge = ελήφθη γνώση
warning-decision-act = καταγράφηκε ενέργεια
warning-decision-dismiss = απορρίφθηκε
case-warnings = Έγκαιρες προειδοποιήσεις για την υπόθεση
warnings-open-page = Άνοιγμα της προειδοποίησης
warnings-open-network = Άνοιγμα της προειδοποίησης και του δικτύου υποθέσεων και αναγνωριστικών
warning-page-title = Έγκαιρη προειδοποίηση
warning-page-back = Επιστροφή στις προειδοποιήσεις
network-title = Δίκτυο υποθέσεων και αναγνωριστικών
network-intro = Οι υποθέσεις της προειδοποίησης, οι άλλες υποθέσεις του φορέα σας που έχουν κοινό αναγνωριστικό μαζί τους, και κάθε αναγνωριστικό που εμφανίζεται σε δύο ή περισσότερες από αυτές. Ένα αναγνωριστικό γραμμένο με διαφορετικούς τρόπους (+30 69… και 0030 69…) μετρά ως ένα.
network-cut = Το δίκτυο είναι μεγαλύτερο από όσο φαίνεται: εμφανίζονται έως { $cases } υποθέσεις και { $identifiers } αναγνωριστικά, πρώτα όσα έχουν τα περισσότερα κοινά.
network-empty = Κανένα αναγνωριστικό δεν εμφανίζεται πλέον σε περισσότερες από μία από αυτές τις υποθέσεις.
network-svg-title = Οι υποθέσεις (αριστερά) και τα κοινά τους αναγνωριστικά (δεξιά)
network-in-warning = υπόθεση της προειδοποίησης
network-hop = υπόθεση ένα βήμα πιο πέρα, μέσω κοινού αναγνωριστικού
network-one-step = ένα βήμα πιο πέρα
network-list = Τα ίδια ως λίστα: κάθε αναγνωριστικό και οι υποθέσεις όπου εμφανίζεται
network-held-by = { $count ->
    [one] σε μία υπόθεση
   *[other] σε { $count } υποθέσεις
}

## Η ανησυχία για εμπορία ανθρώπων στη σελίδα της υπόθεσης
concern-title = Ανησυχία για εμπορία ανθρώπων
concern-none = Καμία ανησυχία για εμπορία ανθρώπων από όσα έχουν καταγραφεί μέχρι τώρα
concern-possible = Πιθανό θύμα εμπορίας ανθρώπων
concern-strong = Ισχυρές ενδείξεις: πιθανό θύμα εμπορίας ανθρώπων, προς άμεση επιβεβαίωση
concern-not-a-verdict = Πρόκειται για ανησυχία που πρέπει να επιβεβαιώσει ένας άνθρωπος· δεν είναι ποτέ ετυμηγορία.
concern-score = Βαθμολογία { $score }, κατάλογος ενδείξεων { $version }
concern-reasons = Λόγοι
concern-no-reasons = Δεν έχει καταγραφεί ούτε προκύψει ακόμη καμία ένδειξη.
concern-points = { $points ->
    [one] +1 βαθμός
   *[other] +{ $points } βαθμοί
}
concern-not-counted = { $points ->
    [one] 1 βαθμός
   *[other] { $points } βαθμοί
}, δεν προσμετράται: η ευαλωτότητα από μόνη της δεν προκαλεί ποτέ ανησυχία
concern-observed-by = παρατηρήθηκε· καταγραφή: { $who }
concern-evidence = Τεκμήρια
concern-derived = προκύπτει από τα στοιχεία της υπόθεσης (Homeward)
concern-derived-repeat_missing = { $count ->
    [one] ένα προηγούμενο επεισόδιο του ίδιου παιδιού
   *[other] { $count } προηγούμενα επεισόδια του ίδιου παιδιού
}
concern-derived-missing_from_care = εξαφανίστηκε από χώρο φροντίδας ({ $place })
concern-derived-unaccompanied_within_48h = εξαφανίστηκε { $hours } ώρες μετά την καταγραφή του
concern-derived-age_13_17 = ηλικίας { $age } ετών όταν θεάθηκε τελευταία φορά
concern-not-assessed = Η υπόθεση δεν ήταν δυνατό να αξιολογηθεί με τον κατάλογο ενδείξεων { $version }: η ένδειξη «{ $indicator }» που έχει καταγραφεί σε αυτήν δεν υπάρχει στον κατάλογο. Ζητήστε από έναν διαχειριστή να ελέγξει τον κατάλογο.
concern-record = Καταγραφή ένδειξης που παρατηρήθηκε
concern-indicator = Ένδειξη που παρατηρήθηκε
concern-evidence-label = Τεκμήρια: τι είδατε ή τι ειπώθηκε
concern-evidence-hint = Φυλάσσεται ως σημείωση στην υπόθεση.
concern-record-submit = Καταγραφή της ένδειξης
concern-already-recorded = Η ένδειξη έχει ήδη καταγραφεί στην υπόθεση. Καταγράψτε την ξανά μόνο με νέα τεκμήρια.
concern-refused = Η ένδειξη δεν καταγράφηκε. Δείτε το πρόβλημα δίπλα στη φόρμα.
concern-group-missing_pattern = Πώς εξαφανίστηκε το παιδί
concern-group-contacts = Πρόσωπα γύρω από το παιδί
concern-group-exploitation_purpose = Ενδείξεις εκμετάλλευσης
concern-group-control = Έλεγχος του παιδιού από άλλους
concern-group-vulnerability = Ευαλωτότητα (ποτέ καθοριστική από μόνη της)
saved-indicator = Η ένδειξη καταγράφηκε και η ανησυχία για εμπορία ανθρώπων υπολογίστηκε ξανά.

## Οι ερωτήσεις κινδύνου στη σελίδα της υπόθεσης
riskcase-none-answered = Δεν έχει απαντηθεί ακόμη καμία ερώτηση κινδύνου.
riskcase-higher = Οι απαντήσεις προτείνουν υψηλότερο επίπεδο από αυτό που έχει καταγραφεί ({ $recorded }). Επανεξετάστε το επίπεδο κινδύνου.
riskcase-not-a-verdict = Πρόκειται για πρόταση με βάση τις απαντήσεις· το επίπεδο που καταγράφεται στην υπόθεση το αποφασίζει ένας άνθρωπος.
riskcase-answers = Απαντήσεις
riskcase-yes = Ναι
riskcase-no = Όχι
riskcase-not-asked = Δεν ρωτήθηκε
riskcase-raises = αυξάνει τον κίνδυνο
riskcase-answered-by = απάντηση: { $who }
riskcase-unanswered = Δεν έχουν ρωτηθεί ακόμη
riskcase-record = Απαντήσεις στις ερωτήσεις κινδύνου
riskcase-record-hint = Καταγράφονται μόνο οι ερωτήσεις που απαντάτε εδώ, ως απαντήσεις που δίνετε εσείς τώρα· μια νέα απάντηση αντικαθιστά την προηγούμενη.
riskcase-record-submit = Καταγραφή των απαντήσεων
riskcase-at-least-one = Απάντηση σε τουλάχιστον μία ερώτηση
riskcase-refused = Οι απαντήσεις δεν καταγράφηκαν. Δείτε το πρόβλημα δίπλα στη φόρμα.
saved-risk-answers = Οι απαντήσεις καταγράφηκαν και το προτεινόμενο επίπεδο υπολογίστηκε ξανά.

# Στόχοι απόκρισης και κλιμάκωση
nav-escalations = Κλιμακώσεις
escalations-title = Κλιμακώσεις
escalations-acknowledged-title = Κλιμακώσεις που αναλήφθηκαν
escalations-intro = Στόχοι απόκρισης που χάθηκαν και εργασίες που καθυστερούν στις υποθέσεις του οργανισμού σας, πρώτα αυτές με τη μεγαλύτερη καθυστέρηση. Καθεμία επανέρχεται κάθε μισή ώρα μέχρι να την αναλάβει ένας επόπτης.
duty-title = Σε υπηρεσία
duty-nobody = Κανένας επόπτης δεν είναι σε υπηρεσία: οι κλιμακώσεις στέλνονται με e-mail σε όλους τους επόπτες.
duty-list = Σε υπηρεσία (οι κλιμακώσεις τούς στέλνονται με e-mail):
duty-until = έως
duty-mine = Είστε σε υπηρεσία έως
duty-hours = Σε υπηρεσία για
duty-hours-unit = ώρες
duty-take = Ανάληψη υπηρεσίας
duty-end = Λήξη της υπηρεσίας μου
escalations-show-acknowledged = Κλιμακώσεις που αναλήφθηκαν
escalations-show-open = Πίσω στις ανοιχτές κλιμακώσεις
escalations-empty = Καμία κλιμάκωση σε αναμονή.
escalations-acknowledged-empty = Καμία κλιμάκωση δεν έχει αναληφθεί ακόμη.
escalations-col-what = Τι χάθηκε
escalations-col-due = Προθεσμία
escalations-col-raised = Εγέρθηκε
escalations-col-action = Ανάληψη
escalations-col-acknowledged = Αναλήφθηκε
escalations-overdue = καθυστέρηση
escalations-cleared = δεν εκκρεμεί πλέον από
escalations-repeats = { $count ->
    [one] επανήλθε μία φορά
   *[other] επανήλθε { $count } φορές
}
escalations-cycle = (χαμένη περίοδος { $cycle })
escalations-task = Εργασία
escalations-note = Σημείωση (προαιρετική)
escalations-acknowledge = Ανάληψη
escalations-acknowledged = αναλήφθηκε
notifications-failed-title = Ειδοποιήσεις που δεν παραδόθηκαν
notifications-failed-intro = Όλες οι προσπάθειες αποστολής τους απέτυχαν, οπότε οι παραλήπτες μπορεί να μην ξέρουν. Ενημερώστε τους με άλλον τρόπο και ζητήστε να ελεγχθεί ο διακομιστής αλληλογραφίας ή το webhook.
notifications-col-to = Προς
notifications-col-about = Σχετικά με
notifications-col-error = Τελευταίο σφάλμα
notifications-col-failed = Εγκαταλείφθηκε
notifications-channel-email = e-mail
notifications-channel-webhook = webhook
notifications-attempts = μετά από { $count ->
    [one] μία προσπάθεια
   *[other] { $count } προσπάθειες
}
notify-email-subject = Κλιμάκωση: { $case }: { $what }
notify-email-subject-repeat = Κλιμάκωση, ακόμη χωρίς ανάληψη: { $case }: { $what }
notify-email-missed = Χάθηκε προθεσμία απόκρισης στην υπόθεση { $case }.
notify-email-what = Τι χάθηκε: { $what }
notify-email-deadline = Προθεσμία: { $deadline }
notify-email-repeats = { $count ->
    [one] Επανήλθε μία φορά: κανείς δεν την έχει αναλάβει ακόμη.
   *[other] Επανήλθε { $count } φορές: κανείς δεν την έχει αναλάβει ακόμη.
}
notify-email-open = Άνοιγμα της υπόθεσης: { $link }
notify-email-acknowledge = Ανάληψη στην ουρά κλιμακώσεων: { $link }
notify-email-no-personal-data = Αυτό το μήνυμα δεν περιέχει προσωπικά δεδομένα του παιδιού· διαβάστε την υπόθεση στο Homeward.
case-escalations = Κλιμακώσεις της υπόθεσης
case-police = Αστυνομία
case-police-none = Δεν έχει οριστεί ακόμη αστυνομική υπηρεσία στο Homeward· ένας διαχειριστής την προσθέτει ως οργανισμό τύπου αστυνομική υπηρεσία.
case-police-unit = Αστυνομική υπηρεσία
case-police-reference = Αριθμός αναφοράς της αστυνομίας (προαιρετικός)
case-police-hand-over = Καταγραφή της παράδοσης στην αστυνομία
case-task-due = προθεσμία
saved-handover = Η παράδοση στην αστυνομία καταγράφηκε και η υπόθεση κοινοποιήθηκε στην υπηρεσία.
saved-acknowledged = Η κλιμάκωση αναλήφθηκε.
event-handed_to_police = παρέδωσε την υπόθεση στην αστυνομία

## Police hand-over package
handover-open = Πακέτο παράδοσης στην αστυνομία (για εκτύπωση, και ως JSON)
handover-title = Πακέτο παράδοσης στην αστυνομία: υπόθεση { $number }
handover-back = Πίσω στην υπόθεση
handover-json = Ως JSON
handover-print-hint = Εκτυπώστε τη σελίδα με την εντολή εκτύπωσης του προγράμματος περιήγησης: η πλοήγηση και αυτοί οι σύνδεσμοι παραλείπονται.
handover-summary = Η υπόθεση
handover-case-number = Αριθμός υπόθεσης
handover-organisation = Οργανισμός που έλαβε την αναφορά
handover-prepared = Σύνταξη του πακέτου
handover-records = Παραδόσεις στην αστυνομία
handover-none = Δεν έχει παραδοθεί ακόμη στην αστυνομία.
handover-when = Πότε
handover-unit = Αστυνομική υπηρεσία
handover-by = Παραδόθηκε από
handover-reference = Αριθμός αναφοράς της αστυνομίας
handover-no-reference = δεν δόθηκε
handover-photo = Φωτογραφία
handover-photo-not_kept = Το Homeward δεν κρατά φωτογραφία του παιδιού. Ζητήστε μία από τον οργανισμό που έλαβε την αναφορά ή από την οικογένεια.

## Child alerts (staff) and the public alert pages
nav-alerts = Συναγερμοί
alerts-title = Συναγερμοί για παιδιά
alerts-intro = Αιτήματα συναγερμού και ενεργοί συναγερμοί του οργανισμού σας. Ένας συναγερμός δημοσιεύεται μόνο όταν έχουν επιβεβαιωθεί όλα τα κριτήρια και έχουν καταγραφεί η έγκριση της αστυνομίας και η εντολή του εισαγγελέα.
alerts-empty = Δεν έχει ζητηθεί κανένας συναγερμός.
alerts-col-state = Κατάσταση
alerts-col-requested = Ζητήθηκε
alerts-col-ends = Λήγει
alerts-state-requested = Ζητήθηκε, δεν δημοσιεύτηκε
alerts-state-published = Δημοσιευμένος
alerts-state-cancelled = Ακυρώθηκε
alerts-state-expired = Έληξε
alerts-request = Αίτημα συναγερμού για παιδί
alerts-request-intro = Καταγράψτε ποια στοιχεία συμφώνησαν οι κηδεμόνες να δημοσιευτούν. Μόνο αυτά θα γίνουν ποτέ δημόσια.
alerts-request-from-case = Το όνομα, η ηλικία, η περιγραφή και ο τόπος και χρόνος που εθεάθη τελευταία λαμβάνονται από την υπόθεση, όπου υπάρχει συναίνεση· μπορείτε να τα διορθώσετε στην επόμενη σελίδα.
alerts-consent = Συναίνεση των κηδεμόνων
alerts-consent-given-by = Συναίνεση από (σχέση με το παιδί)
alerts-consent-recorded = Δόθηκε από { $given_by }, καταγράφηκε
alerts-field-name = Όνομα
alerts-field-age = Ηλικία
alerts-field-photo = Αναφορά φωτογραφίας
alerts-field-description = Περιγραφή
alerts-field-last_seen = Εθεάθη τελευταία (τόπος και χρόνος)
alerts-field-contact_phone = Τηλέφωνο της γραμμής για μαρτυρίες
alerts-page-title = Συναγερμός για { $case }
alerts-public-page = Δημόσια σελίδα
alerts-criteria = Κριτήρια (πρέπει να ισχύουν όλα)
alerts-criterion-under_eighteen = Το παιδί είναι κάτω των 18
alerts-criterion-abduction = Αποδεδειγμένη απαγωγή ή σαφείς ενδείξεις απαγωγής
alerts-criterion-high_risk = Η ζωή ή η υγεία του παιδιού διατρέχει υψηλό κίνδυνο
alerts-criterion-helpful_information = Η δημοσίευση πληροφοριών θα βοηθούσε να βρεθεί το παιδί
alerts-criterion-no_added_risk = Η δημοσίευση δεν αυξάνει τον κίνδυνο για το παιδί
alerts-confirmed-by = Επιβεβαιώθηκε από { $who }
alerts-not-confirmed = Δεν έχει επιβεβαιωθεί
alerts-note = Αιτιολογία (προαιρετικά)
alerts-confirm = Επιβεβαίωση
alerts-approvals = Εγκρίσεις
alerts-police_approval = Έγκριση της αστυνομίας
alerts-prosecutor_order = Εντολή του εισαγγελέα
alerts-reference = Αριθμός αναφοράς
alerts-given-at = Δόθηκε στις (UTC, κενό για τώρα)
alerts-recorded-by = Καταγράφηκε από { $who }
alerts-not-recorded = Δεν έχει καταγραφεί
alerts-record = Καταγραφή
alerts-content = Τι δημοσιεύεται
alerts-content-name = Όνομα
alerts-content-age = Ηλικία
alerts-content-description = Περιγραφή
alerts-content-last_seen_place = Εθεάθη τελευταία στο
alerts-content-photo_ref = Αναφορά φωτογραφίας
alerts-content-contact_phone = Τηλέφωνο γραμμής
alerts-update = Ενημέρωση του δημοσιευμένου συναγερμού
alerts-save-content = Αποθήκευση
alerts-publication = Δημοσίευση
alerts-published-at = Δημοσιεύτηκε
alerts-missing = Λείπουν ακόμη { $count } στοιχεία πριν από τη δημοσίευση.
alerts-hours = Ώρες μέχρι τη λήξη (έως 24)
alerts-publish = Δημοσίευση
alerts-extend-hours = Λήγει τόσες ώρες μετά τη δημοσίευση (έως 24)
alerts-extend = Παράταση
alerts-cancel = Ακύρωση του συναγερμού
public-cap-feed-title = Συναγερμοί για παιδιά (CAP 1.2)
public-feed-title = Συναγερμοί για παιδιά
public-alert-event = Εξαφάνιση παιδιού
public-alert-headline = Εξαφανίστηκε παιδί: βοηθήστε
public-alert-headline-named = Εξαφανίστηκε παιδί: { $name }
public-alert-age-text = Ηλικία { $age }.
public-alert-last-seen-text = Εθεάθη τελευταία στο { $place } στις { $at }.
public-alert-last-seen-place-text = Εθεάθη τελευταία στο { $place }.
public-alert-last-seen-at-text = Εθεάθη τελευταία στις { $at }.
public-alert-instruction = Αν είδατε αυτό το παιδί, αναφέρετέ το αμέσως στη σελίδα του συναγερμού. Μην πλησιάσετε κανέναν μόνοι σας.
public-alert-instruction-phone = Αν είδατε αυτό το παιδί, καλέστε αμέσως το { $phone } ή αναφέρετέ το στη σελίδα του συναγερμού. Μην πλησιάσετε κανέναν μόνοι σας.
public-alert-cancelled = Ο συναγερμός ακυρώθηκε
public-alert-name = Όνομα
public-alert-age = Ηλικία
public-alert-description = Περιγραφή
public-alert-last-seen-place = Εθεάθη τελευταία στο
public-alert-last-seen-at = Εθεάθη τελευταία στις
public-alert-photo = Φωτογραφία
public-alert-phone = Καλέστε
public-alert-ends = Ο συναγερμός λήγει
public-alert-report-sighting = Είδα αυτό το παιδί
public-alert-issued-by = Εκδόθηκε από { $organisation }
public-alert-inactive-title = Ο συναγερμός δεν είναι ενεργός
public-alert-inactive = Αυτός ο συναγερμός δεν είναι πια ενεργός.

## Sightings from the public
nav-sightings = Εντοπισμοί
sighting-title = Αναφορά εντοπισμού
sighting-intro = Είδατε ένα παιδί που αγνοείται; Πείτε μας πού, πότε και τι είδατε. Δεν χρειάζεστε λογαριασμό και το όνομά σας είναι προαιρετικό.
sighting-urgent = Αν το παιδί κινδυνεύει τώρα, καλέστε το 112. Για να μιλήσετε με κάποιον, καλέστε το 116000.
sighting-about-alert = Σχετικά με την ειδοποίηση για παιδί
sighting-place = Πού
sighting-coordinates = Συντεταγμένες
sighting-coordinates-hint = Προαιρετικά: γεωγραφικό πλάτος και μήκος, π.χ. 37.98400 και 23.72800.
sighting-lat = Γεωγραφικό πλάτος
sighting-lon = Γεωγραφικό μήκος
sighting-use-location = Χρήση της τοποθεσίας μου
sighting-locating = Αναζήτηση της τοποθεσίας σας…
sighting-location-failed = Η τοποθεσία σας δεν βρέθηκε· γράψτε το μέρος.
sighting-seen-at = Πότε (τοπική σας ώρα)
sighting-offset = Ζώνη ώρας
sighting-description = Τι είδατε;
sighting-contact = Πώς μπορούμε να επικοινωνήσουμε μαζί σας;
sighting-contact-hint = Προαιρετικά. Θα το χρησιμοποιήσουμε μόνο για να ρωτήσουμε για όσα είδατε.
sighting-contact-name = Όνομα
sighting-contact-phone = Τηλέφωνο
sighting-contact-email = E-mail
sighting-alert = Ειδοποίηση
sighting-reason = Αιτία
sighting-photo = Φωτογραφία
sighting-photo-hint = Προαιρετικά: εικόνα JPEG, PNG ή WebP έως { $mb } MB.
sighting-send = Αποστολή του εντοπισμού
sighting-sent-title = Σας ευχαριστούμε
sighting-sent = Ο εντοπισμός σας έφτασε στη γραμμή. Κάποιος θα τον εξετάσει σύντομα.
sighting-reference = Ο κωδικός σας:
sighting-send-another = Αποστολή άλλου εντοπισμού
sighting-throttled = Στάλθηκαν πολλοί εντοπισμοί από τη σύνδεσή σας μόλις τώρα. Δοκιμάστε ξανά σε { $minutes } λεπτά ή καλέστε το 116000.
sighting-too-large = Η φωτογραφία είναι πολύ μεγάλη: έως { $mb } MB. Επιλέξτε μικρότερη φωτογραφία ή στείλτε τον εντοπισμό χωρίς αυτήν.
sighting-not-an-image = Το αρχείο δεν είναι φωτογραφία που δεχόμαστε (JPEG, PNG ή WebP). Επιλέξτε άλλο αρχείο ή στείλτε τον εντοπισμό χωρίς αυτό.
sighting-unreadable = Η φόρμα δεν διαβάστηκε. Συμπληρώστε την ξανά.
sighting-invalid = Ελέγξτε τα πεδία που σημειώνονται παρακάτω.
sighting-local-time = (τοπική ώρα του αποστολέα)
sighting-page-title = Εντοπισμός από το κοινό
sighting-photo-alt = Η φωτογραφία που στάλθηκε με τον εντοπισμό
sighting-attached-to = Συνδέθηκε με την υπόθεση
sighting-dismissed = Απορρίφθηκε
sighting-attach-title = Σύνδεση με υπόθεση
sighting-no-open-cases = Ο οργανισμός σας δεν έχει ανοιχτή υπόθεση για σύνδεση.
sighting-case = Υπόθεση
sighting-attach = Σύνδεση με αυτή την υπόθεση
sighting-dismiss-title = Απόρριψη
sighting-dismiss = Απόρριψη του εντοπισμού
sightings-title = Εντοπισμοί από το κοινό
sightings-intro = Εντοπισμοί που έστειλε το κοινό και δεν έχουν συνδεθεί με υπόθεση ούτε απορριφθεί, οι νεότεροι πρώτα.
sightings-public-link = Η δημόσια φόρμα
sightings-empty = Δεν περιμένει κανένας εντοπισμός.
sightings-col-received = Παραλήφθηκε
sightings-photo-yes = φωτογραφία
sightings-back = Πίσω στους εντοπισμούς
sightings-seen = Εθεάθη
sightings-what = Τι εθεάθη
case-sightings = Εντοπισμοί από το κοινό
case-sightings-last-seen = Τελευταία θέαση
case-sightings-distance = { $km } km από το σημείο όπου το παιδί εθεάθη τελευταία φορά
case-sightings-photo = Φωτογραφία
case-sightings-plot = Το σημείο τελευταίας θέασης και οι εντοπισμοί, βορράς προς τα πάνω
case-sightings-point = Εντοπισμός
case-sightings-plot-caption = Το L είναι το σημείο όπου το παιδί εθεάθη τελευταία φορά· οι αριθμοί είναι οι εντοπισμοί της λίστας.
event-sighting_attached = συνέδεσε έναν εντοπισμό από το κοινό
saved-sighting = Ο εντοπισμός συνδέθηκε με αυτή την υπόθεση.
