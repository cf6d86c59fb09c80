//! Google Contacts' CSV, current and legacy.

use super::*;

const GOOGLE_CURRENT: &str = "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value,Phone 4 - Label,Phone 4 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Address 2 - Label,Address 2 - Formatted,Address 2 - Street,Address 2 - City,Address 2 - PO Box,Address 2 - Region,Address 2 - Postal Code,Address 2 - Country,Address 2 - Extended Address,Website 1 - Label,Website 1 - Value,Relation 1 - Label,Relation 1 - Value,Event 1 - Label,Event 1 - Value";

#[test]
fn google_current_with_labels_and_multi_values() {
    let row = "Lena,,Vogel,,,,Dr.,,Leni,,Vogel Design,Owner,Studio,1979-03-15,Likes tea.,https://lh3.googleusercontent.com/x,* myContacts ::: Kunden,* Work,lena@vogel.example ::: info@vogel.example,Home,lena.private@mail.example,* Mobile,+49 151 000 111,Work,+49 89 123 ::: +49 89 124,Work Fax,+49 89 129,Sommerhaus,+49 8821 5,Home,\"Rosenweg 4\n82467 Garmisch\",Rosenweg 4,Garmisch,,Bayern,82467,Germany,,Work,,Isarstraße 9,München,Postfach 12,,80331,Germany,2. OG,Homepage,https://vogel.example,Spouse,Tom Vogel,Anniversary,2008-06-21";
    let s = csv_sheet(&format!("{GOOGLE_CURRENT}\n{row}\n"), b',');
    assert_eq!(recognise(&s.headers), Some(Format::GoogleCsv));
    let m = map(&s);
    let r = &m.rows[0];
    assert_eq!(r.get("first_name"), Some("Lena"));
    assert_eq!(r.get("last_name"), Some("Vogel"));
    assert_eq!(r.get("company"), Some("Vogel Design"));
    assert_eq!(r.get("title"), Some("Owner"));
    assert_eq!(r.get("birthday"), Some("1979-03-15"));
    // " ::: " splits; the starred label is preferred.
    assert_eq!(r.get("email"), Some("lena@vogel.example"));
    assert_eq!(r.get("email2"), Some("info@vogel.example"));
    assert_eq!(r.get("email3"), Some("lena.private@mail.example"));
    assert_eq!(r.get("mobile"), Some("+49 151 000 111"));
    assert_eq!(r.get("phone"), Some("+49 89 123"));
    assert_eq!(r.get("fax"), Some("+49 89 129"));
    assert_eq!(r.get("web"), Some("https://vogel.example"));
    // The work address is the one, with its extended line before the street.
    assert_eq!(r.get("street"), Some("2. OG, Isarstraße 9"));
    assert_eq!(r.get("city"), Some("München"));
    assert_eq!(r.get("postal_code"), Some("80331"));
    assert_eq!(r.get("country"), Some("Germany"));
    assert_eq!(r.get("region"), None);
    let n = notes(r);
    assert_eq!(n[0], "Likes tea.");
    for line in [
        "Name Prefix: Dr.",
        "Nickname: Leni",
        "Organization Department: Studio",
        "Labels: Kunden",
        "Work: +49 89 124",
        "Sommerhaus: +49 8821 5",
        "Address 2 - PO Box: Postfach 12",
        "Address 1 - Street: Rosenweg 4",
        "Address 1 - City: Garmisch",
        "Address 1 - Region: Bayern",
        "Spouse: Tom Vogel",
        "Anniversary: 2008-06-21",
    ] {
        assert!(n.contains(&line), "{line} in {n:?}");
    }
    let all = n.join("\n");
    assert!(!all.contains("googleusercontent"), "photo links go");
    assert!(!all.contains("myContacts"));
    assert!(
        !all.contains("82467 Garmisch"),
        "the formatted address repeats the parts"
    );
    assert!(m
        .ignored
        .contains(&"Relation 1 - Value: kept in the notes".to_string()));
}

#[test]
fn google_phone_labels_decide_the_field() {
    let s = sheet(
        &[
            "Last Name",
            "Phone 1 - Label",
            "Phone 1 - Value",
            "Phone 2 - Label",
            "Phone 2 - Value",
            "Phone 3 - Label",
            "Phone 3 - Value",
            "Phone 4 - Label",
            "Phone 4 - Value",
            "Phone 5 - Label",
            "Phone 5 - Value",
        ],
        &[
            &[
                "A", "Main", "100", "Home Fax", "200", "Home", "300", "Other", "400", "Pager",
                "500",
            ],
            &[
                "B", "", "111", "Work", "222", "Work Fax", "333", "Home Fax", "444", "", "",
            ],
        ],
    );
    let m = map(&s);
    let a = &m.rows[0];
    assert_eq!(a.get("phone"), Some("100"));
    assert_eq!(a.get("fax"), Some("200"));
    assert_eq!(a.get("home_phone"), Some("300"));
    assert_eq!(notes(a), ["Other: 400", "Pager: 500"]);
    // Work beats an unlabelled phone, a work fax a home fax.
    let b = &m.rows[1];
    assert_eq!(b.get("phone"), Some("222"));
    assert_eq!(b.get("fax"), Some("333"));
    assert_eq!(notes(b), ["Phone 1 - Value: 111", "Home Fax: 444"]);
}

#[test]
fn google_birthday_without_a_year_goes_into_the_notes() {
    let s = sheet(
        &["First Name", "Last Name", "Birthday", "E-mail 1 - Value"],
        &[&["Kim", "Park", "--01-31", "k@x"]],
    );
    let m = map(&s);
    assert_eq!(m.rows[0].get("birthday"), None);
    assert_eq!(notes(&m.rows[0]), ["Birthday: --01-31"]);
}

const GOOGLE_LEGACY: &str = "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,Organization 1 - Job Description,Website 1 - Type,Website 1 - Value";

#[test]
fn google_legacy_with_types() {
    let row = "Peter Alan Brown,Peter,Alan,Brown,,,,,,,,,,,1975-11-02,,,,,,,,,,,Old friend.,,,* My Contacts ::: Golf,* Home,peter@brown.example,Work,p.brown@firm.example,Mobile,+1 555 0101,Work,+1 555 0202,Home,,12 Oak St,Boston,,MA,02108,USA,,,Brown & Co,,Partner,Law,BRWN,,,Profile,http://brown.example";
    let s = csv_sheet(&format!("{GOOGLE_LEGACY}\n{row}\n"), b',');
    assert_eq!(recognise(&s.headers), Some(Format::GoogleCsv));
    let m = map(&s);
    let r = &m.rows[0];
    assert_eq!(r.get("first_name"), Some("Peter Alan"));
    assert_eq!(r.get("last_name"), Some("Brown"));
    assert_eq!(r.get("company"), Some("Brown & Co"));
    assert_eq!(r.get("title"), Some("Partner"));
    assert_eq!(r.get("email"), Some("peter@brown.example"));
    assert_eq!(r.get("email2"), Some("p.brown@firm.example"));
    assert_eq!(r.get("mobile"), Some("+1 555 0101"));
    assert_eq!(r.get("phone"), Some("+1 555 0202"));
    assert_eq!(r.get("street"), Some("12 Oak St"));
    assert_eq!(r.get("city"), Some("Boston"));
    assert_eq!(r.get("region"), Some("MA"));
    assert_eq!(r.get("postal_code"), Some("02108"));
    assert_eq!(r.get("birthday"), Some("1975-11-02"));
    assert_eq!(r.get("web"), Some("http://brown.example"));
    assert_eq!(
        notes(r),
        [
            "Old friend.",
            "Group Membership: Golf",
            "Organization 1 - Department: Law",
            "Organization 1 - Symbol: BRWN",
        ]
    );
}
