//! Cards as Apple, Android, Outlook, Gmail, Nextcloud and Thunderbird write them.

use encoding_rs::WINDOWS_1252;

use super::*;

const IPHONE: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
PRODID:-//Apple Inc.//iPhone OS 17.2//EN\r\n\
N:Bauer;Jonas;;;\r\n\
FN:Jonas Bauer\r\n\
NICKNAME:Joni\r\n\
ORG:Bauer IT;Entwicklung\r\n\
TITLE:Geschäftsführer\r\n\
EMAIL;type=INTERNET;type=HOME:jonas@privat.example\r\n\
item1.EMAIL;type=INTERNET;type=pref:jonas@bauer-it.example\r\n\
item1.X-ABLabel:_$!<Work>!$_\r\n\
item2.TEL:+49 40 111\r\n\
item2.X-ABLabel:Büro\r\n\
TEL;type=IPHONE;type=CELL;type=VOICE:+49 170 555\r\n\
TEL;type=CELL;type=VOICE;type=pref:+49 160 222\r\n\
item3.TEL:+49 40 333\r\n\
item3.X-ABLabel:_$!<HomeFAX>!$_\r\n\
item4.TEL:+49 40 444\r\n\
item4.X-ABLabel:Ferienhaus\r\n\
item5.ADR;type=HOME;type=pref:;;Elbchaussee 1\\nApp. 3;Hamburg;;22763;Deutschland\r\n\
item5.X-ABADR:de\r\n\
item6.ADR;type=WORK:;;Speicherstadt 5;Hamburg;HH;20457;Deutschland\r\n\
item6.X-ABADR:de\r\n\
item7.URL;type=pref:https://bauer-it.example\r\n\
item7.X-ABLabel:_$!<HomePage>!$_\r\n\
item8.X-ABDATE;type=pref:2015-06-20\r\n\
item8.X-ABLabel:_$!<Anniversary>!$_\r\n\
item9.X-ABRELATEDNAMES;type=pref:Lea\r\n\
item9.X-ABLabel:_$!<Spouse>!$_\r\n\
BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-09\r\n\
NOTE:Kennt uns über die Messe.\\nRückruf erwünscht.\r\n\
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQE\r\n \
BQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQk\r\n \
UDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAABAAE\r\n\
X-ABShowAs:PERSON\r\n\
CATEGORIES:Kunden,Hamburg\r\n\
END:VCARD\r\n";

#[test]
fn an_iphone_card_with_item_groups_and_labels() {
    let r = one(IPHONE);
    assert_eq!(r.line, 1);
    assert_eq!(r.get("last_name"), Some("Bauer"));
    assert_eq!(r.get("first_name"), Some("Jonas"));
    assert_eq!(r.get("company"), Some("Bauer IT"));
    assert_eq!(r.get("title"), Some("Geschäftsführer"));
    // The preferred e-mail first.
    assert_eq!(r.get("email"), Some("jonas@bauer-it.example"));
    assert_eq!(r.get("email2"), Some("jonas@privat.example"));
    // A custom label "Büro" is the office; the preferred mobile wins.
    assert_eq!(r.get("phone"), Some("+49 40 111"));
    assert_eq!(r.get("mobile"), Some("+49 160 222"));
    assert_eq!(r.get("fax"), Some("+49 40 333"));
    // The work address is the one, though the home address is preferred.
    assert_eq!(r.get("street"), Some("Speicherstadt 5"));
    assert_eq!(r.get("city"), Some("Hamburg"));
    assert_eq!(r.get("region"), Some("HH"));
    assert_eq!(r.get("postal_code"), Some("20457"));
    assert_eq!(r.get("country"), Some("Deutschland"));
    assert_eq!(r.get("web"), Some("https://bauer-it.example"));
    assert_eq!(r.get("birthday"), None);
    let n = notes(&r);
    assert_eq!(&n[..2], ["Kennt uns über die Messe.", "Rückruf erwünscht."]);
    for line in [
        "Nickname: Joni",
        "Department: Entwicklung",
        "Phone (iphone, cell): +49 170 555",
        "Ferienhaus: +49 40 444",
        "Home address: Elbchaussee 1, App. 3, 22763 Hamburg, Deutschland",
        "Anniversary: 2015-06-20",
        "Spouse: Lea",
        "Birthday: --03-09",
        "Categories: Kunden, Hamburg",
    ] {
        assert!(n.contains(&line), "{line} in {n:?}");
    }
    let all = n.join("\n");
    assert!(
        !all.contains("/9j/") && !all.contains("AAAA"),
        "no photo: {all}"
    );
    assert!(!all.contains("PERSON") && !all.contains("X-AB"), "{all}");
}

#[test]
fn an_android_21_card_with_quoted_printable_soft_breaks() {
    let text = "BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n\
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n\
TEL;CELL:+49 171 1234567\r\n\
TEL;HOME:+49 30 7654321\r\n\
TEL;WORK:+49 30 1111\r\n\
EMAIL;HOME:juergen@example.org\r\n\
ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Gro=C3=9Fe Stra=C3=9Fe 12;Berlin;;10117;Deutschl=\r\n\
and\r\n\
NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0AZweite Zeile mit =C3=A4=C3=B6=C3=BC und einem sehr=\r\n \
langen Text\r\n\
X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Jogi;1;;;;;;;;;;;;;\r\n\
BDAY:1975-08-15\r\n\
PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgF\r\n \
DhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT\r\n\
\r\n\
END:VCARD\r\n";
    let r = one(text);
    assert_eq!(r.get("last_name"), Some("Müller"));
    assert_eq!(r.get("first_name"), Some("Jürgen"));
    assert_eq!(r.get("mobile"), Some("+49 171 1234567"));
    assert_eq!(r.get("home_phone"), Some("+49 30 7654321"));
    assert_eq!(r.get("phone"), Some("+49 30 1111"));
    assert_eq!(r.get("email"), Some("juergen@example.org"));
    assert_eq!(r.get("street"), Some("Große Straße 12"));
    assert_eq!(r.get("city"), Some("Berlin"));
    assert_eq!(r.get("postal_code"), Some("10117"));
    assert_eq!(r.get("country"), Some("Deutschland"));
    assert_eq!(r.get("birthday"), Some("1975-08-15"));
    assert_eq!(
        notes(&r),
        [
            "Erste Zeile",
            "Zweite Zeile mit äöü und einem sehr langen Text",
            "Nickname: Jogi"
        ]
    );
}

#[test]
fn an_outlook_21_card_in_windows_1252() {
    let text = "BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N;LANGUAGE=de;CHARSET=Windows-1252:Weiß;Jürgen\r\n\
FN;CHARSET=Windows-1252:Jürgen Weiß\r\n\
ORG;CHARSET=Windows-1252:Weiß & Söhne KG;Vertrieb\r\n\
TITLE;CHARSET=Windows-1252:Geschäftsführer\r\n\
TEL;WORK;VOICE:+49 221 100\r\n\
TEL;HOME;VOICE:+49 221 200\r\n\
TEL;CELL;VOICE:+49 172 300\r\n\
TEL;WORK;FAX:+49 221 109\r\n\
ADR;WORK;PREF;CHARSET=Windows-1252:;;Domstraße 1;Köln;NRW;50667;Deutschland\r\n\
LABEL;WORK;PREF;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Domstra=DFe 1=0D=0A=\r\n\
K=F6ln, NRW 50667=0D=0A=\r\n\
Deutschland\r\n\
URL;WORK:http://www.weiss.example\r\n\
BDAY:19650201\r\n\
EMAIL;PREF;INTERNET:jw@weiss.example\r\n\
NOTE;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:R=FCckruf bis Freitag=0D=0A=\r\n\
Gr=FC=DFe\r\n\
X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n\
X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns=\"http://schemas.microsoft.com/office/outlook/12/electronicbusinesscards\" ver=\"1.0\" layout=\"left\" bgcolor=\"ffffff\"><img xmlns=\"\" align=\"fit\" area=\"16\" use=\"cardpicture\"/></card>\r\n\
REV:20240115T093012Z\r\n\
END:VCARD\r\n";
    let (bytes, _, _) = WINDOWS_1252.encode(text);
    let sheet = read("outlook.vcf", &bytes).expect("read");
    assert_eq!(sheet.encoding, "windows-1252");
    let r = contacts::map(&sheet).rows.remove(0);
    assert_eq!(r.get("last_name"), Some("Weiß"));
    assert_eq!(r.get("first_name"), Some("Jürgen"));
    assert_eq!(r.get("company"), Some("Weiß & Söhne KG"));
    assert_eq!(r.get("title"), Some("Geschäftsführer"));
    assert_eq!(r.get("phone"), Some("+49 221 100"));
    assert_eq!(r.get("home_phone"), Some("+49 221 200"));
    assert_eq!(r.get("mobile"), Some("+49 172 300"));
    assert_eq!(r.get("fax"), Some("+49 221 109"));
    assert_eq!(r.get("street"), Some("Domstraße 1"));
    assert_eq!(r.get("city"), Some("Köln"));
    assert_eq!(r.get("region"), Some("NRW"));
    assert_eq!(r.get("web"), Some("http://www.weiss.example"));
    assert_eq!(r.get("birthday"), Some("1965-02-01"));
    assert_eq!(r.get("email"), Some("jw@weiss.example"));
    assert_eq!(
        notes(&r),
        ["Rückruf bis Freitag", "Grüße", "Department: Vertrieb"]
    );
}

#[test]
fn a_gmail_30_card() {
    let text = "BEGIN:VCARD\n\
VERSION:3.0\n\
FN:Nora Lind\n\
N:Lind;Nora;;;\n\
EMAIL;TYPE=INTERNET;TYPE=HOME:nora@lind.example\n\
EMAIL;TYPE=INTERNET;TYPE=WORK:nora.lind@firma.example\n\
TEL;TYPE=CELL:+46 70 123 45 67\n\
TEL;TYPE=WORK:+46 8 123 456\n\
ADR;TYPE=HOME:;;Storgatan 1;Stockholm;;111 22;Sverige\n\
ORG:Lind & Co\n\
TITLE:VD\n\
BDAY:1988-12-01\n\
item1.URL:http\\://lind.example\n\
item1.X-ABLabel:PROFILE\n\
NOTE:Träffades på mässan\\, 2023.\\nVill ha offert.\n\
CATEGORIES:myContacts,Kunder\n\
END:VCARD\n";
    let r = one(text);
    assert_eq!(r.get("last_name"), Some("Lind"));
    assert_eq!(r.get("email"), Some("nora@lind.example"));
    assert_eq!(r.get("email2"), Some("nora.lind@firma.example"));
    assert_eq!(r.get("mobile"), Some("+46 70 123 45 67"));
    assert_eq!(r.get("phone"), Some("+46 8 123 456"));
    assert_eq!(r.get("street"), Some("Storgatan 1"));
    assert_eq!(r.get("postal_code"), Some("111 22"));
    assert_eq!(r.get("country"), Some("Sverige"));
    assert_eq!(r.get("company"), Some("Lind & Co"));
    assert_eq!(r.get("title"), Some("VD"));
    assert_eq!(r.get("birthday"), Some("1988-12-01"));
    assert_eq!(r.get("web"), Some("http://lind.example"));
    assert_eq!(
        notes(&r),
        [
            "Träffades på mässan, 2023.",
            "Vill ha offert.",
            "Categories: Kunder"
        ]
    );
}

#[test]
fn a_nextcloud_40_card_with_quoted_types() {
    let text = "BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
PRODID:-//Sabre//Sabre VObject 4.4.2//EN\r\n\
UID:7c1d4a2e-5b6f-4c1a-9f7e-3a2b1c0d9e8f\r\n\
FN:Eva Novak\r\n\
N:Novak;Eva;;;\r\n\
ORG:Novak s.r.o.\r\n\
TITLE:Director\r\n\
EMAIL;TYPE=home:eva.novak@mail.example\r\n\
EMAIL;TYPE=work;PREF=1:eva@novak.example\r\n\
TEL;TYPE=\"work,voice\";VALUE=uri:tel:+420-221-000-111\r\n\
TEL;TYPE=\"cell\";VALUE=uri:tel:+420-777-000-222\r\n\
TEL;TYPE=\"home,fax\":+420 221 000 119\r\n\
ADR;TYPE=work;LABEL=\"Praha: Václavské náměstí 1\":;;Václavské náměstí 1;Praha;;110 00;Czech Republic\r\n\
URL;VALUE=uri:https://novak.example\r\n\
BDAY:--0131\r\n\
NOTE:Prefers e-mail.\r\n\
REV;VALUE=timestamp:20240301T120000Z\r\n\
END:VCARD\r\n";
    let r = one(text);
    assert_eq!(r.get("last_name"), Some("Novak"));
    assert_eq!(r.get("email"), Some("eva@novak.example"));
    assert_eq!(r.get("email2"), Some("eva.novak@mail.example"));
    assert_eq!(r.get("phone"), Some("+420-221-000-111"));
    assert_eq!(r.get("mobile"), Some("+420-777-000-222"));
    assert_eq!(r.get("fax"), Some("+420 221 000 119"));
    assert_eq!(r.get("street"), Some("Václavské náměstí 1"));
    assert_eq!(r.get("city"), Some("Praha"));
    assert_eq!(r.get("postal_code"), Some("110 00"));
    assert_eq!(r.get("web"), Some("https://novak.example"));
    assert_eq!(r.get("birthday"), None);
    assert_eq!(notes(&r), ["Prefers e-mail.", "Birthday: --01-31"]);
}

#[test]
fn a_thunderbird_40_card() {
    let text = "BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
EMAIL;PREF=1:hans@meier.example\r\n\
FN:Hans Meier\r\n\
NICKNAME:Hansi\r\n\
NOTE:Aus Thunderbird\r\n\
ORG:Meier GmbH;Technik\r\n\
TITLE:Techniker\r\n\
N:Meier;Hans;;;\r\n\
TEL;TYPE=work;VALUE=TEXT:+49 89 555\r\n\
TEL;TYPE=cell;VALUE=TEXT:+49 151 555\r\n\
ADR;TYPE=work:;;Leopoldstr. 1;München;Bayern;80802;Deutschland\r\n\
URL;VALUE=URL:https://meier.example\r\n\
BDAY;VALUE=DATE:19700515\r\n\
UID:2f1e3d4c-aaaa-bbbb-cccc-1234567890ab\r\n\
END:VCARD\r\n";
    let r = one(text);
    assert_eq!(r.get("last_name"), Some("Meier"));
    assert_eq!(r.get("first_name"), Some("Hans"));
    assert_eq!(r.get("email"), Some("hans@meier.example"));
    assert_eq!(r.get("company"), Some("Meier GmbH"));
    assert_eq!(r.get("phone"), Some("+49 89 555"));
    assert_eq!(r.get("mobile"), Some("+49 151 555"));
    assert_eq!(r.get("street"), Some("Leopoldstr. 1"));
    assert_eq!(r.get("region"), Some("Bayern"));
    assert_eq!(r.get("web"), Some("https://meier.example"));
    assert_eq!(r.get("birthday"), Some("1970-05-15"));
    assert_eq!(
        notes(&r),
        ["Aus Thunderbird", "Nickname: Hansi", "Department: Technik"]
    );
}
