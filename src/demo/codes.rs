//! The fixed code tables the demo data names: campaign and lead codes, SIC codes,
//! stages, statuses, reasons, task and interaction types, topics, items, competitors.

pub static CAMPAIGN_TYPES: &[(&str, &str)] = &[
    ("TRADESHOW", "Trade fair"),
    ("MAILING", "Direct mailing"),
    ("EMAIL", "E-mail campaign"),
    ("WEBINAR", "Webinar"),
    ("TELEMKT", "Telemarketing"),
    ("ADS", "Print and online ads"),
    ("EVENT", "Open house / customer event"),
];
pub static CAMPAIGN_STATUSES: &[(&str, &str)] = &[
    ("PLANNED", "Planned"),
    ("ACTIVE", "Active"),
    ("COMPLETED", "Completed"),
    ("ONHOLD", "On hold"),
    ("CANCELLED", "Cancelled"),
];
pub static LEAD_SOURCES: &[(&str, &str)] = &[
    ("WEB", "Website enquiry"),
    ("FAIR", "Trade fair"),
    ("REFERRAL", "Referral"),
    ("COLDCALL", "Cold call"),
    ("CAMPAIGN", "Marketing campaign"),
    ("PARTNER", "Distribution partner"),
    ("LINKEDIN", "LinkedIn"),
    ("PHONE", "Inbound call"),
];
pub static LEAD_STATUSES: &[(&str, &str)] = &[
    ("NEW", "New"),
    ("CONTACTED", "Contacted"),
    ("QUALIFIED", "Qualified"),
    ("NURTURE", "Nurture (not ready yet)"),
    ("CONVERTED", "Converted to opportunity"),
    ("DISQUAL", "Disqualified"),
];
pub static SIC_CODES: &[(&str, &str)] = &[
    ("3541", "Machine tools, metal cutting types"),
    ("3542", "Machine tools, metal forming types"),
    ("3559", "Special industry machinery"),
    ("3562", "Ball and roller bearings"),
    ("3569", "General industrial machinery"),
    ("3599", "Industrial machinery, n.e.c."),
    ("3714", "Motor vehicle parts and accessories"),
    ("3585", "Refrigeration and heating equipment"),
    ("3621", "Motors and generators"),
    ("3823", "Industrial instruments for measurement"),
    ("2821", "Plastics materials and resins"),
    ("3312", "Steel works and rolling mills"),
    ("3443", "Fabricated plate work (boiler shops)"),
    ("2086", "Bottled and canned soft drinks"),
    ("2011", "Meat packing plants"),
    ("5084", "Wholesale: industrial machinery and equipment"),
];
/// Stages: code, description, sequence and default probability.
pub static STAGES: &[(&str, &str, i64, i64)] = &[
    ("PROSPECT", "Prospecting", 10, 10),
    ("QUALIFY", "Qualification", 20, 25),
    ("PROPOSAL", "Proposal / quote", 30, 50),
    ("NEGOTIATE", "Negotiation", 40, 75),
    ("CLOSE", "Closing", 50, 90),
];
/// Opportunity statuses in this order: open, won, lost, cancelled.
pub static OPP_STATUSES: &[(&str, &str, &str)] = &[
    ("OPEN", "Open", "open"),
    ("WON", "Won", "won"),
    ("LOST", "Lost", "lost"),
    ("CANCEL", "Cancelled", "cancelled"),
];
pub static OPP_SOURCES: &[(&str, &str)] = &[
    ("LEAD", "Converted lead"),
    ("EXISTING", "Existing customer"),
    ("REFERRAL", "Referral"),
    ("FAIR", "Trade fair"),
    ("WEB", "Website"),
    ("CAMPAIGN", "Marketing campaign"),
    ("PARTNER", "Distribution partner"),
];
/// Reason codes: the first five for won opportunities, the rest for lost ones.
pub static REASONS: &[(&str, &str, &str)] = &[
    ("WPRICE", "Best price", "won"),
    ("WTECH", "Best technical fit", "won"),
    ("WDELIVERY", "Fastest delivery", "won"),
    ("WSERVICE", "Service and support", "won"),
    ("WRELATION", "Existing relationship", "won"),
    ("LPRICE", "Price too high", "lost"),
    ("LCOMPET", "Competitor preferred", "lost"),
    ("LNODEC", "No decision", "lost"),
    ("LBUDGET", "Budget cut", "lost"),
    ("LTIMING", "Delivery time too long", "lost"),
];
pub const WON_REASONS: usize = 5;
pub static TASK_TYPES: &[(&str, &str)] = &[
    ("CALL", "Phone call"),
    ("VISIT", "Site visit"),
    ("DEMO", "Product demonstration"),
    ("QUOTE", "Prepare quote"),
    ("FOLLOWUP", "Follow-up"),
    ("MEETING", "Meeting / video call"),
    ("TRIAL", "Trial installation"),
];
pub static INTERACTION_TYPES: &[(&str, &str)] = &[
    ("CALL", "Phone call"),
    ("VISIT", "Visit"),
    ("EMAIL", "E-mail"),
    ("LETTER", "Letter"),
    ("MEETING", "Meeting / video call"),
    ("FAIR", "Trade fair contact"),
];
/// Interaction topics: code, description, subject kind (contact, prospect, customer).
pub static TOPICS: &[(&str, &str, &str)] = &[
    ("CON-INTRO", "Introduction", "contact"),
    ("CON-NEWS", "Newsletter and information", "contact"),
    ("CON-EVENT", "Event invitation", "contact"),
    ("CON-UPDATE", "Contact data update", "contact"),
    ("PRO-NEEDS", "Needs analysis", "prospect"),
    ("PRO-PRESENT", "Product presentation", "prospect"),
    ("PRO-QUOTE", "Quote follow-up", "prospect"),
    ("PRO-REF", "Reference visit", "prospect"),
    ("CUS-ORDER", "Order enquiry", "customer"),
    ("CUS-SERVICE", "Service and maintenance", "customer"),
    ("CUS-COMPLAINT", "Complaint", "customer"),
    ("CUS-UPSELL", "New products / upselling", "customer"),
    ("CUS-REVIEW", "Annual account review", "customer"),
];
/// Items: code, description, unit price in cents (written euros_cents).
#[allow(clippy::inconsistent_digit_grouping)]
pub static ITEMS: &[(&str, &str, i64)] = &[
    ("BRG-6205", "Rillenkugellager 6205-2RS", 12_80),
    ("BRG-22220", "Pendelrollenlager 22220 E", 489_00),
    ("LIN-HGR25", "Linearführung HGR25, 1.000 mm", 214_50),
    ("BSP-2510", "Kugelgewindetrieb Ø25 × 10, 800 mm", 685_00),
    (
        "SRV-MTR-4",
        "Servomotor 4,0 kW mit Absolutwertgeber",
        1_890_00,
    ),
    ("FU-7K5", "Frequenzumrichter 7,5 kW", 1_245_00),
    ("GBX-PL90", "Planetengetriebe PL90 i=10", 960_00),
    ("HYD-CYL-63", "Hydraulikzylinder Ø63/36, Hub 400 mm", 875_00),
    ("HYD-PMP-45", "Axialkolbenpumpe 45 cm³", 3_120_00),
    ("HYD-AGG-15", "Hydraulikaggregat 15 kW, komplett", 14_650_00),
    ("PNE-VLV-8", "Pneumatik-Ventilinsel, 8-fach", 1_340_00),
    ("BLT-HTD8M", "Zahnriemen HTD 8M-1200-30", 46_50),
    ("CPL-ROT-38", "Elastische Kupplung, Größe 38", 189_00),
    ("SPN-HSK63", "Motorspindel HSK-A63, 24.000 1/min", 18_900_00),
    ("CNC-CTRL-5", "CNC-Steuerung, 5 Achsen", 24_500_00),
    ("CNV-BLT-2M", "Gurtförderer 2 m × 400 mm", 6_950_00),
    ("ROB-GRP-EL", "Elektrischer Robotergreifer", 2_540_00),
    ("SNS-IND-M18", "Induktiver Näherungsschalter M18", 38_90),
    ("SNS-LSR-10", "Laser-Distanzsensor 0,2–10 m", 645_00),
    ("PLC-1515", "SPS-Steuerung CPU 1515", 2_790_00),
    ("HMI-15", "Bedienpanel 15 Zoll, Touch", 1_980_00),
    ("CAB-ENC-10", "Encoderkabel 10 m, schleppkettenfähig", 89_00),
    ("SEAL-KIT-63", "Dichtungssatz Zylinder Ø63", 54_50),
    ("FLT-HYD-10", "Hydraulikfilter-Element 10 µm", 32_90),
    ("LUB-ZS-4", "Zentralschmieranlage 4 l", 1_420_00),
    (
        "MCH-VMC-850",
        "Vertikal-Bearbeitungszentrum VMC 850",
        149_500_00,
    ),
    (
        "MCH-LTH-400",
        "CNC-Drehmaschine Ø400 × 1.000 mm",
        118_000_00,
    ),
    ("MCH-PRS-160", "Hydraulische Presse 160 t", 215_000_00),
    ("RTF-SPN", "Retrofit-Kit Spindelantrieb", 12_750_00),
    (
        "SVC-INST",
        "Installation und Inbetriebnahme (Tag)",
        1_180_00,
    ),
    ("SVC-TRAIN", "Bedienerschulung (Tag)", 950_00),
    ("SVC-MAINT", "Wartungsvertrag, jährlich", 4_800_00),
    ("SVC-REMOTE", "Remote-Support-Paket 20 h", 2_900_00),
    ("SVC-REPAIR", "Spindelreparatur, pauschal", 3_850_00),
    ("SVC-ENG", "Engineering-Stunde", 125_00),
    ("SVC-CAL", "Kalibrierung und Abnahmeprüfung", 1_450_00),
    (
        "SVC-RETRO",
        "Modernisierung / Retrofit (Projekt)",
        35_000_00,
    ),
    ("SVC-SPARE", "Ersatzteilpaket Stufe 2", 8_600_00),
    ("SVC-FREIGHT", "Fracht und Verpackung", 450_00),
];

type CompetitorRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
/// Competitors: code, name, street, postal code, city, country, phone, web, strengths,
/// weaknesses.
#[rustfmt::skip]
pub static COMPETITORS: &[CompetitorRow] = &[
    ("HESSMANN", "Heßmann Antriebe GmbH", "Industriestraße 40", "33719", "Bielefeld", "DE",
        "+49 521 9876540", "www.hessmann-antriebe.de",
        "Breites Programm, kurze Lieferzeiten", "Service nur regional"),
    ("KRAFTLINE", "Kraftline Hydraulik AG", "Zürcherstrasse 112", "8406", "Winterthur", "CH",
        "+41 52 2607700", "www.kraftline.ch",
        "Hohe Qualität, starke Marke", "Sehr teuer"),
    ("BRIGHTWELL", "Brightwell Automation Ltd", "4 Enterprise Way", "CV3 4PE", "Coventry", "GB",
        "+44 24 7655 0123", "www.brightwell-automation.co.uk",
        "Strong in the UK automotive sector", "Long delivery times for spares"),
    ("TECNOFLUID", "Tecnofluid S.p.A.", "Via dell'Industria 18", "20141", "Milano", "IT",
        "+39 02 5551234", "www.tecnofluid.it",
        "Aggressive pricing", "Little local support"),
    ("NORDMECH", "Nordmech Maschinenbau GmbH & Co. KG", "Hafenstraße 7", "24143", "Kiel", "DE",
        "+49 431 7012200", "www.nordmech.de",
        "Custom machines", "Small service team"),
    ("SAXTEC", "Saxtec Präzisionstechnik GmbH", "Annaberger Straße 240", "09125", "Chemnitz", "DE",
        "+49 371 5349000", "www.saxtec.de",
        "Precision, good price", "Limited capacity"),
    ("ALPENDRIVE", "Alpendrive GmbH", "Wiener Straße 131", "4020", "Linz", "AT",
        "+43 732 778800", "www.alpendrive.at",
        "Strong in Austria", "No presence in the UK"),
    ("MERIDIAN", "Meridian Motion Systems plc", "Brunel Way", "S9 2RT", "Sheffield", "GB",
        "+44 114 496 0811", "www.meridian-motion.co.uk",
        "Large installed base", "Outdated control technology"),
    ("DONGHAI", "Donghai Machinery Co., Ltd.", "88 Jiangnan Road", "315800", "Ningbo", "CN",
        "+86 574 8765 4321", "www.donghai-machinery.com",
        "Lowest price", "Quality issues, slow spare parts"),
    ("WEISSGERBER", "Weißgerber Werkzeugmaschinen GmbH", "Gutenbergstraße 12", "72762", "Reutlingen", "DE",
        "+49 7121 330500", "www.weissgerber-wzm.de",
        "Excellent machine tools", "Few automation options"),
];
