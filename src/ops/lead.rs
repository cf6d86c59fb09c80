//! Lead → opportunity: one transaction creates the opportunity from the lead (its
//! customer or prospect, campaign, source, territory, salesperson, sales team; the
//! first stage with its probability; an open status) and links the lead to it. A
//! lead that names neither customer nor prospect can first get a prospect made from
//! its company data. The person is kept: the lead's names, title, phone and e-mail
//! become a sales contact (or the stored one with that e-mail), linked to the
//! customer or prospect and named by the opportunity.

use crate::model::{
    ContactXref, Entity, Lead, Opportunity, OpportunitySource, OpportunityTask, Prospect,
    SalesContact,
};
use crate::ops::rules::{first_stage, open_status};
use crate::store::{Change, Result, Store, StoreError};

/// What a lead conversion created.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FromLead {
    pub opportunity: String,
    /// The prospect made from the lead's company, with `new_prospect`.
    pub prospect: Option<String>,
    /// The sales contact the lead's person is (made now, or found by e-mail).
    pub contact: Option<String>,
}

/// The stored contact with this e-mail (compared without case), if exactly one.
fn contact_by_email(store: &Store, email: &str) -> Result<Option<SalesContact>> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(None);
    }
    let mut found = None;
    for r in store.scan_containing(SalesContact::DEF, &email) {
        let r = r?;
        if let Some(c) = r.downcast_ref::<SalesContact>() {
            if c.email.trim().to_lowercase() == email {
                if found.is_some() {
                    return Ok(None);
                }
                found = Some(c.clone());
            }
        }
    }
    Ok(found)
}

fn refuse(key: &str, field: &str, value: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(Lead::DEF.name, key, field, value, message)
}

pub fn convert_lead(store: &Store, key: &str, new_prospect: bool) -> Result<FromLead> {
    let key = key.trim().to_uppercase();
    let mut lead = store.fetch_as::<Lead>(&key)?;
    if !lead.opportunity.is_empty() {
        return Err(refuse(
            &key,
            "opportunity",
            &lead.opportunity,
            "this lead was converted already; open its opportunity",
        ));
    }
    let mut changes = Vec::new();
    let mut made_prospect = None;
    if new_prospect {
        if !lead.customer.is_empty() || !lead.prospect.is_empty() {
            return Err(refuse(&key, "prospect", &lead.prospect, "the lead names a customer or prospect already; --new-prospect is for leads without one"));
        }
        let name = match (lead.company.trim(), lead.first_name.trim()) {
            ("", "") => lead.last_name.clone(),
            ("", first) => format!("{first} {}", lead.last_name),
            (company, _) => company.to_string(),
        };
        let prospect = Prospect {
            key: store.reserve_key(Prospect::DEF)?,
            name,
            street: lead.street.clone(),
            postal_code: lead.postal_code.clone(),
            city: lead.city.clone(),
            country: lead.country.clone(),
            // The lead's e-mail and phone are the person's: they go to the
            // contact, not to the company.
            territory: lead.territory.clone(),
            salesperson: lead.salesperson.clone(),
            sales_team: lead.sales_team.clone(),
            source: lead.source.clone(),
            campaign: lead.campaign.clone(),
            status: "open".into(),
            ..Default::default()
        };
        lead.prospect = prospect.key.clone();
        made_prospect = Some(prospect.key.clone());
        changes.push(Change::Insert(Box::new(prospect)));
    }
    let stage = first_stage(store)?;
    // The lead's source carries over where the opportunity sources know its code.
    let source =
        if !lead.source.is_empty() && store.contains(OpportunitySource::DEF, &lead.source)? {
            lead.source.clone()
        } else {
            String::new()
        };
    let person = format!("{} {}", lead.first_name, lead.last_name)
        .trim()
        .to_string();
    let description = match (lead.interest.trim(), lead.company.trim()) {
        ("", "") => person.clone(),
        ("", company) => company.to_string(),
        (interest, _) => interest.to_string(),
    };
    // The person: a contact (the stored one with the lead's e-mail, or a new
    // one), linked to the company the lead names.
    let contact = match contact_by_email(store, &lead.email)? {
        Some(c) => c.key,
        None if lead.last_name.trim().is_empty() => String::new(),
        None => {
            let c = SalesContact {
                key: store.reserve_key(SalesContact::DEF)?,
                last_name: lead.last_name.clone(),
                first_name: lead.first_name.clone(),
                title: lead.title.clone(),
                company: lead.company.clone(),
                phone: lead.phone.clone(),
                email: lead.email.clone(),
                street: lead.street.clone(),
                postal_code: lead.postal_code.clone(),
                city: lead.city.clone(),
                country: lead.country.clone(),
                notes: format!("From lead {key}"),
                ..Default::default()
            };
            let k = c.key.clone();
            changes.push(Change::Insert(Box::new(c)));
            k
        }
    };
    if !contact.is_empty() && (!lead.customer.is_empty() || !lead.prospect.is_empty()) {
        let linked = store
            .keys_naming(SalesContact::DEF, &contact, ContactXref::DEF)?
            .into_iter()
            .filter_map(|x| store.get_as::<ContactXref>(&x).ok().flatten())
            .any(|x| x.customer == lead.customer && x.prospect == lead.prospect);
        if !linked {
            changes.push(Change::Insert(Box::new(ContactXref {
                contact: contact.clone(),
                customer: lead.customer.clone(),
                prospect: lead.prospect.clone(),
                role: lead.title.clone(),
                ..Default::default()
            })));
        }
    }
    let mut notes = format!("From lead {key} ({person})");
    if source.is_empty() && !lead.source.is_empty() {
        // A lead source the opportunity sources do not know is said, not lost.
        notes.push_str(&format!("; lead source {}", lead.source));
    }
    let opportunity = Opportunity {
        key: store.reserve_key(Opportunity::DEF)?,
        contact: contact.clone(),
        description,
        customer: lead.customer.clone(),
        prospect: lead.prospect.clone(),
        salesperson: lead.salesperson.clone(),
        sales_team: lead.sales_team.clone(),
        territory: lead.territory.clone(),
        campaign: lead.campaign.clone(),
        source,
        stage: stage.as_ref().map(|s| s.key.clone()).unwrap_or_default(),
        probability: stage.and_then(|s| s.probability),
        status: open_status(store)?.unwrap_or_default(),
        notes,
        ..Default::default()
    };
    lead.opportunity = opportunity.key.clone();
    let opportunity_key = opportunity.key.clone();
    changes.push(Change::Insert(Box::new(opportunity)));
    // The lead's open work (a follow-up call) moves to its opportunity.
    for k in store.keys_naming(Lead::DEF, &lead.key, OpportunityTask::DEF)? {
        if let Some(mut task) = store.get_as::<OpportunityTask>(&k)? {
            if task.lead == lead.key {
                task.lead.clear();
                task.opportunity = opportunity_key.clone();
                changes.push(Change::Update(Box::new(task)));
            }
        }
    }
    changes.push(Change::Update(Box::new(lead)));
    store.apply(changes)?;
    Ok(FromLead {
        opportunity: opportunity_key,
        prospect: made_prospect,
        contact: (!contact.is_empty()).then_some(contact),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, Store) {
        crate::ops::demo_store(2000)
    }

    fn lead_where(store: &Store, f: impl Fn(&Lead) -> bool) -> Lead {
        store
            .scan(Lead::DEF)
            .map(|r| r.unwrap().downcast_ref::<Lead>().unwrap().clone())
            .find(|l| l.opportunity.is_empty() && f(l))
            .expect("a matching lead in the demo data")
    }

    #[test]
    fn the_opportunity_carries_the_leads_data_and_the_lead_points_at_it() {
        let (_dir, store) = demo();
        let lead = lead_where(&store, |l| !l.prospect.is_empty() || !l.customer.is_empty());
        let done = convert_lead(&store, &lead.key, false).unwrap();
        let opp = store
            .get_as::<Opportunity>(&done.opportunity)
            .unwrap()
            .unwrap();
        assert_eq!(
            (&opp.customer, &opp.prospect),
            (&lead.customer, &lead.prospect)
        );
        assert_eq!(
            (
                &opp.territory,
                &opp.salesperson,
                &opp.sales_team,
                &opp.campaign
            ),
            (
                &lead.territory,
                &lead.salesperson,
                &lead.sales_team,
                &lead.campaign
            )
        );
        assert!(!opp.stage.is_empty() && opp.probability.is_some() && !opp.status.is_empty());
        let after = store.get_as::<Lead>(&lead.key).unwrap().unwrap();
        assert_eq!(after.opportunity, done.opportunity);
        let err = convert_lead(&store, &lead.key, false).unwrap_err();
        assert!(err.to_string().contains("converted already"), "{err}");
        assert!(store.audit().unwrap().is_clean());
    }

    #[test]
    fn a_lead_without_a_company_record_can_make_its_prospect_first() {
        let (_dir, store) = demo();
        let lead = lead_where(&store, |l| l.prospect.is_empty() && l.customer.is_empty());
        let prospects = store.count(Prospect::DEF);
        let done = convert_lead(&store, &lead.key, true).unwrap();
        let prospect = done.prospect.expect("a new prospect");
        assert_eq!(store.count(Prospect::DEF), prospects + 1);
        let p = store.get_as::<Prospect>(&prospect).unwrap().unwrap();
        assert_eq!((&p.city, &p.territory), (&lead.city, &lead.territory));
        let opp = store
            .get_as::<Opportunity>(&done.opportunity)
            .unwrap()
            .unwrap();
        assert_eq!(opp.prospect, prospect);
        assert_eq!(
            store.get_as::<Lead>(&lead.key).unwrap().unwrap().prospect,
            prospect
        );
        // --new-prospect on a lead that has one is refused, nothing changes.
        let other = lead_where(&store, |l| !l.prospect.is_empty());
        let opportunities = store.count(Opportunity::DEF);
        assert!(convert_lead(&store, &other.key, true).is_err());
        assert_eq!(store.count(Opportunity::DEF), opportunities);
    }

    #[test]
    fn the_leads_person_becomes_a_contact_of_its_company_and_of_the_opportunity() {
        let (_dir, store) = demo();
        let lead = lead_where(&store, |l| {
            l.prospect.is_empty() && l.customer.is_empty() && !l.email.is_empty()
        });
        let contacts = store.count(SalesContact::DEF);
        let done = convert_lead(&store, &lead.key, true).unwrap();
        let contact = done.contact.clone().expect("a contact");
        let c = store.get_as::<SalesContact>(&contact).unwrap().unwrap();
        assert_eq!(
            (&c.last_name, &c.first_name, &c.email, &c.phone),
            (&lead.last_name, &lead.first_name, &lead.email, &lead.phone)
        );
        assert_eq!(store.count(SalesContact::DEF), contacts + 1);
        let prospect = done.prospect.unwrap();
        let p = store.get_as::<Prospect>(&prospect).unwrap().unwrap();
        assert!(
            p.email.is_empty(),
            "the person's e-mail is not the company's"
        );
        let xrefs = store
            .keys_naming(SalesContact::DEF, &contact, ContactXref::DEF)
            .unwrap();
        let x = store.get_as::<ContactXref>(&xrefs[0]).unwrap().unwrap();
        assert_eq!(x.prospect, prospect);
        let opp = store
            .get_as::<Opportunity>(&done.opportunity)
            .unwrap()
            .unwrap();
        assert_eq!(opp.contact, contact);

        // A second lead of the same person finds that contact instead of a copy.
        let mut again = lead.clone();
        again.key = String::new();
        again.opportunity = String::new();
        again.prospect = prospect.clone();
        let again = store.insert(Box::new(again)).unwrap();
        let done = convert_lead(&store, &again, false).unwrap();
        assert_eq!(done.contact.as_deref(), Some(contact.as_str()));
        assert_eq!(store.count(SalesContact::DEF), contacts + 1);
        assert!(store.audit().unwrap().is_clean());
    }
}
