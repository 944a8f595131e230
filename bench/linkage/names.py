"""Name pools for the synthetic cross-script linkage data. Invented combinations of common
given and family names; every record the generator writes is synthetic, never a real person.

Each entry is (native script, [Latin renderings that registries use]).
"""

GREEK_GIVEN_F = [
    ("Ελένη", ["Eleni", "Helen", "Elena"]), ("Μαρία", ["Maria"]), ("Αικατερίνη", ["Aikaterini", "Ekaterini", "Katerina"]),
    ("Βασιλική", ["Vasiliki", "Vassiliki"]), ("Σοφία", ["Sofia", "Sophia"]), ("Αναστασία", ["Anastasia"]),
    ("Δήμητρα", ["Dimitra", "Demetra"]), ("Γεωργία", ["Georgia", "Yeorgia"]), ("Ευαγγελία", ["Evangelia", "Evaggelia"]),
    ("Χριστίνα", ["Christina", "Hristina"]), ("Ιωάννα", ["Ioanna", "Joanna"]), ("Παναγιώτα", ["Panagiota", "Panayiota"]),
    ("Κωνσταντίνα", ["Konstantina", "Constantina"]), ("Δέσποινα", ["Despoina", "Despina"]), ("Αγγελική", ["Angeliki", "Aggeliki"]),
]
GREEK_GIVEN_M = [
    ("Γεώργιος", ["Georgios", "Yiorgos", "George"]), ("Ιωάννης", ["Ioannis", "Yiannis", "Giannis"]),
    ("Κωνσταντίνος", ["Konstantinos", "Constantinos", "Kostas"]), ("Δημήτριος", ["Dimitrios", "Demetrios", "Dimitris"]),
    ("Νικόλαος", ["Nikolaos", "Nicholas", "Nikos"]), ("Παναγιώτης", ["Panagiotis", "Panayiotis"]),
    ("Βασίλειος", ["Vasileios", "Vasilios", "Vassilis"]), ("Χρήστος", ["Christos", "Hristos"]), ("Αθανάσιος", ["Athanasios", "Thanasis"]),
    ("Μιχαήλ", ["Michail", "Michael", "Mihail"]), ("Ευάγγελος", ["Evangelos", "Vangelis"]), ("Σπυρίδων", ["Spyridon", "Spiridon"]),
    ("Αντώνιος", ["Antonios", "Antonis"]), ("Ηλίας", ["Ilias", "Elias"]), ("Αλέξανδρος", ["Alexandros", "Aleksandros"]),
]
GREEK_FAMILY = [
    ("Παπαδόπουλος", ["Papadopoulos", "Papadopulos"]), ("Παπαδοπούλου", ["Papadopoulou"]), ("Παππάς", ["Pappas", "Papas"]),
    ("Οικονόμου", ["Oikonomou", "Economou", "Ikonomou"]), ("Γεωργίου", ["Georgiou", "Yeorgiou"]),
    ("Νικολάου", ["Nikolaou", "Nicolaou"]), ("Βασιλείου", ["Vasileiou", "Vasiliou"]), ("Ιωάννου", ["Ioannou", "Joannou"]),
    ("Κωνσταντινίδης", ["Konstantinidis", "Constantinidis"]), ("Αθανασίου", ["Athanasiou"]), ("Μακρής", ["Makris", "Macris"]),
    ("Δημητρίου", ["Dimitriou", "Demetriou"]), ("Καραγιάννης", ["Karagiannis", "Karayiannis"]), ("Αντωνίου", ["Antoniou"]),
    ("Χριστοδούλου", ["Christodoulou", "Hristodoulou"]), ("Παπαδάκης", ["Papadakis"]), ("Λαμπρόπουλος", ["Lampropoulos", "Labropoulos"]),
    ("Αλεξίου", ["Alexiou", "Aleksiou"]), ("Σταματόπουλος", ["Stamatopoulos"]), ("Μιχαηλίδης", ["Michailidis", "Mihailidis"]),
    ("Ζαχαρίου", ["Zachariou", "Zahariou"]), ("Κυριακίδης", ["Kyriakidis", "Kiriakidis"]), ("Πετρόπουλος", ["Petropoulos"]),
    ("Σωτηρίου", ["Sotiriou"]), ("Τσιρίγος", ["Tsirigos"]), ("Χατζής", ["Chatzis", "Hatzis", "Hadjis"]),
]
SERBIAN_GIVEN_F = [
    ("Јована", ["Jovana"]), ("Милица", ["Milica", "Militsa"]), ("Ана", ["Ana"]), ("Марија", ["Marija", "Maria"]),
    ("Јелена", ["Jelena", "Yelena"]), ("Катарина", ["Katarina"]), ("Невена", ["Nevena"]), ("Теодора", ["Teodora", "Theodora"]),
    ("Сара", ["Sara"]), ("Драгана", ["Dragana"]), ("Тамара", ["Tamara"]), ("Ивана", ["Ivana"]), ("Наталија", ["Natalija", "Natalia"]),
]
SERBIAN_GIVEN_M = [
    ("Никола", ["Nikola"]), ("Лазар", ["Lazar"]), ("Марко", ["Marko"]), ("Стефан", ["Stefan", "Stephan"]),
    ("Лука", ["Luka"]), ("Душан", ["Dušan", "Dusan"]), ("Милош", ["Miloš", "Milos"]), ("Ђорђе", ["Đorđe", "Djordje", "Dorde"]),
    ("Александар", ["Aleksandar", "Alexandar"]), ("Вук", ["Vuk"]), ("Немања", ["Nemanja"]), ("Урош", ["Uroš", "Uros"]),
    ("Огњен", ["Ognjen"]), ("Филип", ["Filip"]),
]
SERBIAN_FAMILY = [
    ("Јовановић", ["Jovanović", "Jovanovic"]), ("Петровић", ["Petrović", "Petrovic"]), ("Николић", ["Nikolić", "Nikolic"]),
    ("Марковић", ["Marković", "Markovic"]), ("Ђорђевић", ["Đorđević", "Djordjevic", "Dordevic"]), ("Стојановић", ["Stojanović", "Stojanovic"]),
    ("Илић", ["Ilić", "Ilic"]), ("Станковић", ["Stanković", "Stankovic"]), ("Павловић", ["Pavlović", "Pavlovic"]),
    ("Милошевић", ["Milošević", "Milosevic"]), ("Ђурић", ["Đurić", "Djuric", "Duric"]), ("Стевановић", ["Stevanović", "Stevanovic"]),
    ("Томић", ["Tomić", "Tomic"]), ("Костић", ["Kostić", "Kostic"]), ("Поповић", ["Popović", "Popovic"]),
    ("Живковић", ["Živković", "Zivkovic"]), ("Лазић", ["Lazić", "Lazic"]), ("Васић", ["Vasić", "Vasic"]),
    ("Радовановић", ["Radovanović", "Radovanovic"]), ("Митић", ["Mitić", "Mitic"]),
]
ARABIC_GIVEN_M = [
    ("محمد", ["Mohammed", "Muhammad", "Mohamed", "Mohammad"]), ("أحمد", ["Ahmed", "Ahmad"]), ("علي", ["Ali"]),
    ("عمر", ["Omar", "Umar"]), ("يوسف", ["Youssef", "Yusuf", "Yousef"]), ("خالد", ["Khaled", "Khalid"]),
    ("حسن", ["Hassan", "Hasan"]), ("حسين", ["Hussein", "Hussain", "Husain"]), ("إبراهيم", ["Ibrahim", "Ebrahim"]),
    ("مصطفى", ["Mustafa", "Moustafa"]), ("عبد الرحمن", ["Abdul Rahman", "Abdulrahman", "Abdelrahman"]),
    ("عبد الله", ["Abdullah", "Abdallah", "Abd Allah"]), ("سامي", ["Sami", "Samy"]), ("كريم", ["Karim", "Kareem"]),
    ("طارق", ["Tariq", "Tarek"]), ("زياد", ["Ziad", "Ziyad"]), ("ماجد", ["Majed", "Majid"]),
]
ARABIC_GIVEN_F = [
    ("فاطمة", ["Fatima", "Fatma"]), ("مريم", ["Maryam", "Mariam"]), ("عائشة", ["Aisha", "Aicha", "Ayesha"]),
    ("زينب", ["Zainab", "Zaynab", "Zeinab"]), ("نور", ["Nour", "Noor", "Nur"]), ("سارة", ["Sara", "Sarah"]),
    ("ليلى", ["Layla", "Leila", "Laila"]), ("هدى", ["Huda", "Hoda"]), ("رنا", ["Rana"]), ("ياسمين", ["Yasmin", "Yasmine", "Jasmin"]),
    ("آمنة", ["Amina", "Aminah"]), ("خديجة", ["Khadija", "Khadidja"]),
]
ARABIC_FAMILY = [
    ("الحسن", ["Al-Hassan", "Alhasan", "El Hassan"]), ("حداد", ["Haddad", "Hadad"]), ("الخطيب", ["Al-Khatib", "Alkhatib", "El Khatib"]),
    ("نصار", ["Nassar", "Nasar"]), ("عثمان", ["Othman", "Osman", "Uthman"]), ("المصري", ["Al-Masri", "Almasri", "El Masry"]),
    ("يوسف", ["Youssef", "Yusuf"]), ("صالح", ["Saleh", "Salih"]), ("إبراهيم", ["Ibrahim"]), ("عبد الله", ["Abdullah", "Abdallah"]),
    ("الأحمد", ["Al-Ahmad", "Alahmad"]), ("شحادة", ["Shehadeh", "Shahada", "Chehade"]), ("قاسم", ["Qasim", "Kassem", "Kasim"]),
    ("العلي", ["Al-Ali", "Alali"]), ("الشامي", ["Al-Shami", "Alshami", "Chami"]), ("حمدان", ["Hamdan"]), ("جابر", ["Jaber", "Jabir"]),
    ("سليمان", ["Suleiman", "Sulaiman", "Soliman"]), ("درويش", ["Darwish", "Darweesh"]), ("منصور", ["Mansour", "Mansur"]),
]
PERSIAN_GIVEN_M = [
    ("احمد", ["Ahmad", "Ahmed"]), ("محمود", ["Mahmoud", "Mahmood", "Mahmud"]), ("رضا", ["Reza", "Rezaa"]), ("حمید", ["Hamid"]),
    ("جواد", ["Javad", "Jawad"]), ("مهدی", ["Mahdi", "Mehdi"]), ("سجاد", ["Sajjad", "Sajad"]), ("نوید", ["Navid", "Naveed"]),
]
PERSIAN_GIVEN_F = [
    ("زهرا", ["Zahra", "Zahraa"]), ("فاطیما", ["Fatima"]), ("مریم", ["Maryam"]), ("پروین", ["Parvin", "Parveen"]),
    ("شبنم", ["Shabnam"]), ("ملالی", ["Malalai", "Malali"]),
]
PERSIAN_FAMILY = [
    ("احمدی", ["Ahmadi"]), ("محمدی", ["Mohammadi", "Mohamadi"]), ("حسینی", ["Hosseini", "Husseini", "Hosaini"]),
    ("رضایی", ["Rezaei", "Rezaee", "Rezai"]), ("کریمی", ["Karimi", "Kareemi"]), ("نوری", ["Nouri", "Noori"]),
    ("رحیمی", ["Rahimi"]), ("هاشمی", ["Hashemi", "Hashimi"]), ("صادقی", ["Sadeghi", "Sadeqi"]), ("جعفری", ["Jafari", "Jaafari"]),
    ("عزیزی", ["Azizi"]), ("قربانی", ["Ghorbani", "Qorbani"]),
]
LATIN_GIVEN_F = [("", [n]) for n in ["Emma", "Olivia", "Ana", "Elira", "Ioana", "Andreea", "Sofia", "Alina", "Bianca", "Denisa", "Klea", "Arta"]]
LATIN_GIVEN_M = [("", [n]) for n in ["Luca", "Andrei", "Ion", "Arben", "Besnik", "Florin", "Gabriel", "Mihai", "Erion", "Kevin", "Dorian", "Adrian"]]
LATIN_FAMILY = [("", [n]) for n in ["Popescu", "Ionescu", "Hoxha", "Krasniqi", "Gashi", "Berisha", "Dumitru", "Stan", "Shehu", "Kola", "Marin", "Rusu", "Lungu", "Dervishi", "Mema"]]

ORIGINS = [
    # (name, share, nationality, female given, male given, family)
    ("greek", 0.25, "GR", GREEK_GIVEN_F, GREEK_GIVEN_M, GREEK_FAMILY),
    ("serbian", 0.20, "RS", SERBIAN_GIVEN_F, SERBIAN_GIVEN_M, SERBIAN_FAMILY),
    ("arabic", 0.25, "SY", ARABIC_GIVEN_F, ARABIC_GIVEN_M, ARABIC_FAMILY),
    ("persian", 0.15, "AF", PERSIAN_GIVEN_F, PERSIAN_GIVEN_M, PERSIAN_FAMILY),
    ("latin", 0.15, "AL", LATIN_GIVEN_F, LATIN_GIVEN_M, LATIN_FAMILY),
]
