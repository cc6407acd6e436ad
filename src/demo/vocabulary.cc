#include "demo/vocabulary.h"

#include <array>

namespace voronka::demo {

namespace {

// ---- ru ----------------------------------------------------------------------------------
constexpr std::array<const char*, 24> kRuMale = {
    "Александр", "Дмитрий",  "Максим", "Сергей",  "Андрей", "Алексей", "Артём", "Илья",
    "Кирилл",    "Михаил",   "Никита", "Матвей",  "Роман",  "Егор",    "Иван",  "Тимур",
    "Павел",     "Владимир", "Денис",  "Евгений", "Олег",   "Глеб",    "Антон", "Руслан"};
constexpr std::array<const char*, 24> kRuFemale = {
    "Анна",     "Мария",   "Елена",   "Ольга",     "Наталья",  "Екатерина", "Татьяна",  "Ирина",
    "Светлана", "Юлия",    "Аделина", "Дарья",     "Виктория", "Ксения",    "Полина",   "Алина",
    "Марина",   "Валерия", "Софья",   "Анастасия", "Вера",     "Людмила",   "Кристина", "Яна"};
constexpr std::array<const char*, 36> kRuSurnames = {
    "Иванов",  "Смирнов",  "Кузнецов", "Попов",    "Васильев", "Петров",    "Соколов", "Михайлов",
    "Новиков", "Фёдоров",  "Морозов",  "Волков",   "Алексеев", "Лебедев",   "Семёнов", "Егоров",
    "Павлов",  "Козлов",   "Степанов", "Николаев", "Орлов",    "Андреев",   "Макаров", "Никитин",
    "Захаров", "Зайцев",   "Соловьёв", "Борисов",  "Яковлев",  "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кириллов", "Тарасов",  "Белов"};
constexpr std::array<const char*, 32> kRuStems = {
    "Север",  "Юг",      "Восток",   "Техно",  "Строй", "Агро",  "Мега",       "Гранд",
    "Альфа",  "Вектор",  "Профи",    "Эко",    "Нева",  "Урал",  "Волга",      "Сибирь",
    "Инвест", "Лидер",   "Оптима",   "Прима",  "Сфера", "Кедр",  "Ромашка",    "Меридиан",
    "Полюс",  "Арсенал", "Градиент", "Ладога", "Берег", "Квант", "Магистраль", "Орион"};
constexpr std::array<const char*, 20> kRuEndings = {
    "Снаб",   "Торг",   "Сервис",   "Пром",       "Тех",    "Логистик", "Трейд",
    "Маркет", "Групп",  "Холдинг",  "Инжиниринг", "Систем", "Медиа",    "Лайн",
    "Мастер", "Монтаж", "Комплект", "Проект",     "Ресурс", "Снабжение"};
constexpr std::array<const char*, 8> kRuQualifiers = {"",        " Плюс",  " Центр", "-М",
                                                      " Регион", " Север", " Про",   "-Юг"};
constexpr std::array<const char*, 6> kRuForms = {"ООО", "ООО", "ООО", "АО", "ООО", "ПАО"};
constexpr std::array<const char*, 4> kRuDepartments = {"Отдел продаж", "Региональные продажи",
                                                       "Корпоративные продажи", "Отдел закупок"};
constexpr std::array<const char*, 6> kRuSalesStages = {"Взял в работу",   "Обработать заявку",
                                                       "Счёт/договор",    "Ожидаем оплату",
                                                       "Оплата получена", "Провалена"};
constexpr std::array<const char*, 5> kRuPurchasingStages = {
    "Новая заявка на закупку", "Согласование", "Заказано у поставщика", "Получено", "Отменена"};
constexpr std::array<const char*, 7> kRuEnterpriseStages = {
    "Квалификация", "Презентация",         "Коммерческое предложение",
    "Переговоры",   "Подписание договора", "Договор подписан",
    "Отказ"};
constexpr std::array<const char*, 5> kRuLeadStages = {
    "Новый лид", "Связались", "Квалифицирован", "Сконвертирован в сделку", "Некачественный лид"};
constexpr std::array<const char*, 5> kRuLossReasons = {
    "дорого", "нет бюджета", "выбрали конкурента", "не отвечает", "неактуально"};
constexpr std::array<const char*, 8> kRuRegions = {
    "Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск",
    "Казань", "Нижний Новгород", "Краснодар",    "Самара"};
constexpr std::array<const char*, 6> kRuProducts = {"Лицензии",     "Внедрение",    "Обучение",
                                                    "Техподдержка", "Оборудование", "Интеграция"};
constexpr std::array<const char*, 6> kRuTitles = {
    "Заказ", "Сервисное обслуживание", "Повторный заказ", "Проект", "Закупка", "Заявка"};
constexpr std::array<const char*, 6> kRuTasks = {"Связаться с клиентом", "Уточнить потребность",
                                                 "Выставить счёт",       "Проконтролировать оплату",
                                                 "Назначить встречу",    "Отправить КП"};

// ---- en ----------------------------------------------------------------------------------
constexpr std::array<const char*, 24> kEnMale = {
    "James",  "John",   "Robert",  "Michael", "William", "David",  "Richard", "Joseph",
    "Thomas", "Daniel", "Matthew", "Anthony", "Mark",    "Steven", "Paul",    "Andrew",
    "Joshua", "Kevin",  "Brian",   "Ryan",    "Jacob",   "Eric",   "Jason",   "Adam"};
constexpr std::array<const char*, 24> kEnFemale = {
    "Mary",   "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan",  "Jessica",
    "Sarah",  "Karen",    "Lisa",     "Nancy", "Emily",     "Ashley",  "Olivia", "Emma",
    "Amanda", "Melissa",  "Rachel",   "Laura", "Megan",     "Hannah",  "Grace",  "Chloe"};
constexpr std::array<const char*, 36> kEnSurnames = {
    "Smith",    "Johnson",  "Williams", "Brown",  "Jones",    "Garcia", "Miller",  "Davis",
    "Wilson",   "Anderson", "Taylor",   "Thomas", "Moore",    "Martin", "Jackson", "Thompson",
    "White",    "Harris",   "Clark",    "Lewis",  "Robinson", "Walker", "Young",   "Allen",
    "King",     "Wright",   "Scott",    "Green",  "Baker",    "Adams",  "Nelson",  "Hill",
    "Campbell", "Mitchell", "Carter",   "Turner"};
constexpr std::array<const char*, 32> kEnStems = {
    "North",   "Blue",     "Silver",  "Prime",  "Apex",      "Summit",  "Bright",    "Global",
    "Pioneer", "River",    "Granite", "Harbor", "Evergreen", "Redwood", "Keystone",  "Lakeside",
    "Iron",    "Crescent", "Falcon",  "Beacon", "Cedar",     "Atlas",   "Northwind", "Sterling",
    "Horizon", "Vertex",   "Oak",     "Maple",  "Eagle",     "Liberty", "Union",     "Coastal"};
constexpr std::array<const char*, 20> kEnEndings = {
    "Tech",     "Logistics",  "Systems",   "Foods",   "Supply",       "Works",   "Labs",
    "Partners", "Industries", "Solutions", "Trading", "Engineering",  "Media",   "Networks",
    "Builders", "Analytics",  "Health",    "Energy",  "Distribution", "Services"};
constexpr std::array<const char*, 8> kEnQualifiers = {
    "", " Group", " International", " Holdings", " West", " East", " & Co", " Direct"};
constexpr std::array<const char*, 5> kEnForms = {"LLC", "Inc.", "LLC", "Ltd.", "Corp."};
constexpr std::array<const char*, 4> kEnDepartments = {"Sales", "Regional sales",
                                                       "Enterprise sales", "Purchasing"};
constexpr std::array<const char*, 6> kEnSalesStages = {
    "Taken", "Process request", "Invoice/contract", "Awaiting payment", "Payment received",
    "Failed"};
constexpr std::array<const char*, 5> kEnPurchasingStages = {
    "New purchase request", "Approval", "Ordered from supplier", "Received", "Cancelled"};
constexpr std::array<const char*, 7> kEnEnterpriseStages = {
    "Qualification",    "Presentation",    "Proposal", "Negotiation",
    "Contract signing", "Contract signed", "Refused"};
constexpr std::array<const char*, 5> kEnLeadStages = {"New lead", "Contacted", "Qualified",
                                                      "Converted to deal", "Junk lead"};
constexpr std::array<const char*, 5> kEnLossReasons = {
    "too expensive", "no budget", "chose a competitor", "no response", "not relevant"};
constexpr std::array<const char*, 8> kEnRegions = {"New York",      "California", "Texas",
                                                   "Illinois",      "Florida",    "Washington",
                                                   "Massachusetts", "Georgia"};
constexpr std::array<const char*, 6> kEnProducts = {"Licenses", "Implementation", "Training",
                                                    "Support",  "Hardware",       "Integration"};
constexpr std::array<const char*, 6> kEnTitles = {"Order",   "Service contract", "Repeat order",
                                                  "Project", "Purchase",         "Inquiry"};
constexpr std::array<const char*, 6> kEnTasks = {"Contact the customer", "Clarify the requirements",
                                                 "Send the invoice",     "Follow up on payment",
                                                 "Schedule a meeting",   "Send a proposal"};

// ---- pl ----------------------------------------------------------------------------------
constexpr std::array<const char*, 24> kPlMale = {
    "Piotr",    "Krzysztof", "Andrzej", "Tomasz",  "Paweł",    "Michał",  "Marcin", "Jakub",
    "Adam",     "Łukasz",    "Mateusz", "Marek",   "Grzegorz", "Jan",     "Kamil",  "Maciej",
    "Wojciech", "Rafał",     "Robert",  "Dariusz", "Szymon",   "Bartosz", "Filip",  "Kacper"};
constexpr std::array<const char*, 24> kPlFemale = {
    "Anna",    "Katarzyna", "Maria",    "Małgorzata", "Agnieszka", "Barbara",
    "Ewa",     "Magdalena", "Joanna",   "Aleksandra", "Monika",    "Zofia",
    "Natalia", "Julia",     "Karolina", "Marta",      "Beata",     "Dorota",
    "Paulina", "Weronika",  "Alicja",   "Justyna",    "Iwona",     "Martyna"};
constexpr std::array<const char*, 36> kPlSurnames = {
    "Nowak",       "Kowalski",   "Wiśniewski",  "Wójcik",    "Kowalczyk",  "Kamiński",
    "Lewandowski", "Zieliński",  "Szymański",   "Woźniak",   "Dąbrowski",  "Kozłowski",
    "Jankowski",   "Mazur",      "Kwiatkowski", "Krawczyk",  "Piotrowski", "Grabowski",
    "Nowakowski",  "Pawłowski",  "Michalski",   "Adamczyk",  "Dudek",      "Zając",
    "Wieczorek",   "Jabłoński",  "Król",        "Majewski",  "Olszewski",  "Jaworski",
    "Wróbel",      "Malinowski", "Pawlak",      "Witkowski", "Walczak",    "Stępień"};
constexpr std::array<const char*, 32> kPlStems = {
    "Pol",  "Mar",   "Bud",    "Trans", "Agro", "Elektro", "Tech", "Inter",
    "Euro", "Mazow", "Wis",    "Bał",   "Kar",  "Orzeł",   "Pro",  "Stal",
    "Drew", "Metal", "Ekopol", "Sil",   "Tar",  "Zam",     "Lech", "Warta",
    "Odra", "Tatra", "Amber",  "Sudet", "Rad",  "Gold",    "Nord", "Kopr"};
constexpr std::array<const char*, 20> kPlEndings = {
    "ex",    "pol",  "bud",  "trans", "mar",     "med",       "soft", "tech", "serwis", "handel",
    "plast", "stal", "chem", "sped",  "projekt", "logistyka", "dom",  "tex",  "opt",    "rol"};
constexpr std::array<const char*, 8> kPlQualifiers = {"",         " Plus",  " Serwis",   " Polska",
                                                      " Centrum", " Group", " Południe", " Północ"};
constexpr std::array<const char*, 5> kPlForms = {"sp. z o.o.", "sp. z o.o.", "S.A.", "sp. z o.o.",
                                                 "s.c."};
constexpr std::array<const char*, 4> kPlDepartments = {"Dział sprzedaży", "Sprzedaż regionalna",
                                                       "Sprzedaż korporacyjna", "Dział zakupów"};
constexpr std::array<const char*, 6> kPlSalesStages = {
    "Przyjęta",           "Obsługa zapytania", "Faktura/umowa", "Oczekiwanie na płatność",
    "Płatność otrzymana", "Przegrana"};
constexpr std::array<const char*, 5> kPlPurchasingStages = {
    "Nowe zapotrzebowanie", "Akceptacja", "Zamówione u dostawcy", "Otrzymane", "Anulowane"};
constexpr std::array<const char*, 7> kPlEnterpriseStages = {
    "Kwalifikacja",     "Prezentacja",     "Oferta", "Negocjacje",
    "Podpisanie umowy", "Umowa podpisana", "Odmowa"};
constexpr std::array<const char*, 5> kPlLeadStages = {
    "Nowy lead", "Nawiązano kontakt", "Zakwalifikowany", "Skonwertowany na transakcję",
    "Lead niskiej jakości"};
constexpr std::array<const char*, 5> kPlLossReasons = {
    "za drogo", "brak budżetu", "wybrali konkurencję", "brak odpowiedzi", "nieaktualne"};
constexpr std::array<const char*, 8> kPlRegions = {"Mazowieckie",   "Małopolskie",  "Śląskie",
                                                   "Wielkopolskie", "Dolnośląskie", "Pomorskie",
                                                   "Łódzkie",       "Lubelskie"};
constexpr std::array<const char*, 6> kPlProducts = {"Licencje", "Wdrożenie", "Szkolenie",
                                                    "Wsparcie", "Sprzęt",    "Integracja"};
constexpr std::array<const char*, 6> kPlTitles = {
    "Zamówienie", "Umowa serwisowa", "Ponowne zamówienie", "Projekt", "Zakup", "Zapytanie"};
constexpr std::array<const char*, 6> kPlTasks = {
    "Skontaktować się z klientem", "Doprecyzować potrzeby", "Wystawić fakturę",
    "Sprawdzić płatność",          "Umówić spotkanie",      "Wysłać ofertę"};

constexpr std::array<int16_t, 14> kRuHolidays = {101, 102, 103, 104, 105, 106, 107,
                                                 108, 223, 308, 501, 509, 612, 1104};
constexpr std::array<int16_t, 6> kEnHolidays = {101, 527, 704, 902, 1225, 1226};
constexpr std::array<int16_t, 11> kPlHolidays = {101,  106,  501,  503,  815, 1101,
                                                 1111, 1224, 1225, 1226, 1231};

constexpr Vocabulary kRussian = {"ru",
                                 "ООО «Пример»",
                                 "Europe/Moscow",
                                 "RUB",
                                 "https://example.bitrix24.ru/crm/deal/details/{id}/",
                                 1,
                                 kRuMale,
                                 kRuFemale,
                                 kRuSurnames,
                                 kRuStems,
                                 kRuEndings,
                                 kRuQualifiers,
                                 kRuForms,
                                 CompanyStyle::kQuoted,
                                 kRuDepartments,
                                 {"Продажи B2B", kRuSalesStages},
                                 {"Закупки", kRuPurchasingStages},
                                 {"Длинные сделки", kRuEnterpriseStages},
                                 {"Лиды", kRuLeadStages},
                                 kRuLossReasons,
                                 kRuRegions,
                                 kRuProducts,
                                 kRuTitles,
                                 kRuTasks,
                                 kRuHolidays};

constexpr Vocabulary kEnglish = {"en",
                                 "Example Trading LLC",
                                 "UTC",
                                 "USD",
                                 "https://example.bitrix24.com/crm/deal/details/{id}/",
                                 90,
                                 kEnMale,
                                 kEnFemale,
                                 kEnSurnames,
                                 kEnStems,
                                 kEnEndings,
                                 kEnQualifiers,
                                 kEnForms,
                                 CompanyStyle::kSpaced,
                                 kEnDepartments,
                                 {"B2B sales", kEnSalesStages},
                                 {"Purchasing", kEnPurchasingStages},
                                 {"Long deals", kEnEnterpriseStages},
                                 {"Leads", kEnLeadStages},
                                 kEnLossReasons,
                                 kEnRegions,
                                 kEnProducts,
                                 kEnTitles,
                                 kEnTasks,
                                 kEnHolidays};

constexpr Vocabulary kPolish = {"pl",
                                "Przykład sp. z o.o.",
                                "Europe/Warsaw",
                                "PLN",
                                "https://example.bitrix24.pl/crm/deal/details/{id}/",
                                22,
                                kPlMale,
                                kPlFemale,
                                kPlSurnames,
                                kPlStems,
                                kPlEndings,
                                kPlQualifiers,
                                kPlForms,
                                CompanyStyle::kJoined,
                                kPlDepartments,
                                {"Sprzedaż B2B", kPlSalesStages},
                                {"Zakupy", kPlPurchasingStages},
                                {"Długie transakcje", kPlEnterpriseStages},
                                {"Leady", kPlLeadStages},
                                kPlLossReasons,
                                kPlRegions,
                                kPlProducts,
                                kPlTitles,
                                kPlTasks,
                                kPlHolidays};

// A well-mixed hash of an index (splitmix64's finalizer): neighbouring indexes get unrelated
// name parts, so consecutive ids do not read like a pattern.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string FemaleSurname(const Vocabulary& words, std::string_view male) {
  std::string name(male);
  std::string_view locale = words.locale;
  if (locale == "ru") {
    if (male.ends_with("ов") || male.ends_with("ев") || male.ends_with("ёв") ||
        male.ends_with("ин")) {
      name += "а";
    }
  } else if (locale == "pl") {
    if (male.ends_with("ski") || male.ends_with("cki")) name.back() = 'a';
  }
  return name;
}

}  // namespace

const Vocabulary* FindVocabulary(std::string_view locale) {
  if (locale == "ru") return &kRussian;
  if (locale == "en") return &kEnglish;
  if (locale == "pl") return &kPolish;
  return nullptr;
}

std::string PersonName(const Vocabulary& words, uint64_t index) {
  const uint64_t h = Mix(index);
  const uint64_t male = words.male_first_names.size();
  const uint64_t first = h % (male + words.female_first_names.size());
  std::string_view surname = words.surnames[(h >> 24) % words.surnames.size()];
  if (first < male) return std::string(words.male_first_names[first]) + " " + std::string(surname);
  return std::string(words.female_first_names[first - male]) + " " + FemaleSurname(words, surname);
}

std::string CompanyName(const Vocabulary& words, uint64_t index) {
  const uint64_t h = Mix(index ^ 0x5bd1e995);
  std::string_view stem = words.company_stems[h % words.company_stems.size()];
  std::string_view ending = words.company_endings[(h >> 16) % words.company_endings.size()];
  // Two companies in three have a plain two-part name.
  std::string_view qualifier =
      (h >> 32) % 3 == 0 ? words.company_qualifiers[(h >> 40) % words.company_qualifiers.size()]
                         : "";
  std::string_view form = words.legal_forms[(h >> 52) % words.legal_forms.size()];
  std::string name;
  switch (words.company_style) {
    case CompanyStyle::kQuoted:
      name.append(form).append(" «").append(stem).append(ending).append(qualifier).append("»");
      break;
    case CompanyStyle::kSpaced:
      name.append(stem).append(" ").append(ending).append(qualifier).append(" ").append(form);
      break;
    case CompanyStyle::kJoined:
      name.append(stem).append(ending).append(qualifier).append(" ").append(form);
      break;
  }
  return name;
}

}  // namespace voronka::demo
