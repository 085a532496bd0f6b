"""Realistic directory corpora for the search benchmarks, deterministic for a given seed.

Run:
  .venv/bin/python bench/corpus.py --services 10000 --out /tmp/corpus-10k [--seed 1]
      writes an HSDS 3.1 tabular data package (the CSV files and columns of resources_catalog/, and a
      copy of its datapackage.json) that `portal import-hsds` takes:
        PORTAL_ENV=development PORTAL_DATA_DIR=/tmp/db .venv/bin/portal migrate
        PORTAL_ENV=development PORTAL_DATA_DIR=/tmp/db .venv/bin/portal import-hsds /tmp/corpus-10k
  .venv/bin/python bench/corpus.py --services 100000 --documents-only --out /tmp/docs-100k.jsonl
      writes the search documents directly, one JSON object a line, as
      portal/directory/search_documents.py builds them from the database (same title, body, tags,
      ages, points and stored hours), without going through a database.
  .venv/bin/python bench/corpus.py --services 1000 --self-check
      imports a package into a temporary database and checks that --documents-only gives exactly the
      documents portal/directory/search_documents.py loads from it (run it after changing either).
Prints the rows written per file (or the number of documents), how often common words occur, and
how long it took.

What is in it: N services from about N/2.5 organisations at about N/1.5 locations in real Cook
County ZIP codes (centroids from the `zipcodes` package, mostly Chicago 606xx; coordinates within
about 1 km of the centroid). Names and descriptions (40-120 words) come from phrase banks per kind of
service (one bank per category of resources_catalog/taxonomy_terms.csv, read at run time; a
category without a bank gets a generic one from its name and description); about a quarter are
Spanish or bilingual, and "help" is in most listings, as in real ones. Each service has 1-3
categories, English plus often Spanish and other languages, a cost (mostly free), ages where its
kind has them, hours following docs/decisions/0002-directory-hsds.md (weekly, monthly, overnight,
24 hours, seasonal, by appointment, holiday closures), a capacity status and sometimes capacity
numbers.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "resources_catalog"
sys.path.insert(0, str(ROOT))

from portal.directory import hours as hours_  # noqa: E402

ZONE = "America/Chicago"  # the portal's default PORTAL_TIMEZONE; our locations have no zone of their own
CAPACITY_TERM = uuid.UUID("3d5e7f90-1a2b-4c3d-9e4f-5a6b7c8d9e03")
CATEGORY_TAXONOMY = uuid.UUID("c7e2a9d4-5b31-4f68-a0d2-6e8b1c4f7a10")
SEARCHABLE_STATUSES = ("active", "temporarily closed")
FILES = {
    "organization": "organizations.csv", "program": "programs.csv", "service": "services.csv",
    "location": "locations.csv", "service_at_location": "service_at_location.csv", "address": "addresses.csv",
    "contact": "contacts.csv", "phone": "phones.csv", "schedule": "schedules.csv", "funding": "funding.csv",
    "service_area": "service_areas.csv", "required_document": "required_documents.csv", "language": "languages.csv",
    "accessibility": "accessibility.csv", "cost_option": "cost_options.csv",
    "organization_identifier": "organization_identifiers.csv", "url": "url.csv", "unit": "units.csv",
    "service_capacity": "service_capacity.csv", "taxonomy": "taxonomies.csv", "taxonomy_term": "taxonomy_terms.csv",
    "attribute": "attributes.csv", "metadata": "metadata.csv", "meta_table_description": "meta_table_descriptions.csv",
}
COPIED = ("taxonomy", "taxonomy_term", "unit", "meta_table_description")  # taken as they are from the catalogue

# ---------------------------------------------------------------------------------------------
# Phrase banks. {place} is a neighbourhood or suburb, {org} the organisation's short name.

NEIGHBOURHOODS = [
    "Pilsen", "Little Village", "Humboldt Park", "Austin", "Englewood", "Uptown", "Rogers Park", "Logan Square",
    "Back of the Yards", "South Shore", "Chatham", "Albany Park", "Bronzeville", "Garfield Park", "Woodlawn",
    "Chinatown", "Bridgeport", "Avondale", "Belmont Cragin", "Portage Park", "Hegewisch", "Roseland", "Pullman",
    "Gage Park", "Brighton Park", "McKinley Park", "West Town", "North Lawndale", "South Lawndale", "Auburn Gresham",
    "Washington Heights", "Morgan Park", "Edgewater", "West Ridge", "Hermosa", "Kenwood", "Hyde Park", "Grand Boulevard",
    "Douglas", "Oakland", "Archer Heights", "Marquette Park", "Chicago Lawn", "West Elsdon", "Jefferson Park",
    "Irving Park", "Lincoln Square", "North Center", "East Side", "South Chicago", "Calumet Heights", "Avalon Park",
]
ORG_WORDS = [
    "New Hope", "Unity", "Harvest", "Bridges", "Open Door", "Good Neighbor", "Common Ground", "Cornerstone",
    "Lighthouse", "Crossroads", "Nueva Vida", "Esperanza", "Mano a Mano", "Rising Sun", "Northside", "Southside",
    "Westside", "Lakeview", "Prairie", "Heartland", "Greater Grace", "Mount Zion", "St. Brendan", "St. Casimir",
    "Holy Family", "Bethel", "Shiloh", "Abundant Life", "Casa Amiga", "Puerta Abierta", "Sunrise", "Evergreen",
]
ORG_TYPES = {
    "food": ["Food Pantry", "Food Network", "Community Kitchen", "Hunger Coalition", "Food Bank", "Outreach Ministry"],
    "housing": ["Housing Partnership", "Shelter Network", "Housing Services", "Tenant Union", "Home Center"],
    "health": ["Health Center", "Family Health Center", "Community Clinic", "Wellness Center", "Behavioral Health"],
    "legal": ["Legal Aid", "Legal Clinic", "Justice Center", "Immigrant Rights Center", "Law Project"],
    "family": ["Family Services", "Community Center", "Neighborhood House", "Resource Center", "Settlement House"],
    "seniors": ["Senior Services", "Council on Aging", "Senior Center", "Elder Care Network"],
    "youth": ["Youth Network", "Boys and Girls Club", "Youth Center", "Teen Alliance", "Kids Initiative"],
    "work": ["Workforce Center", "Adult Learning Center", "Career Institute", "Literacy Project", "Jobs Partnership"],
    "emergency": ["Crisis Center", "Safe Haven", "Relief Fund", "Emergency Services", "Mutual Aid"],
}
SECTORS = {
    "food": "food-", "housing": "housing-", "health": "health-", "legal": "legal-", "seniors": "care-older",
    "youth": "care-youth", "work": ("work-", "education-"), "emergency": "emergency-", "family": "",
}
SECTOR_WEIGHTS = {"food": 20, "housing": 12, "health": 18, "legal": 8, "family": 20, "seniors": 7, "youth": 6, "work": 6, "emergency": 3}
CITY_STREETS = [
    "W Cermak Rd", "S Ashland Ave", "N Milwaukee Ave", "W 26th St", "S Halsted St", "N Broadway", "W Devon Ave",
    "S Western Ave", "W North Ave", "W Madison St", "S Cottage Grove Ave", "E 79th St", "W 63rd St", "N Clark St",
    "W Lawrence Ave", "W Fullerton Ave", "N Pulaski Rd", "S Kedzie Ave", "W Chicago Ave", "S State St", "W Belmont Ave",
    "W Irving Park Rd", "S Pulaski Rd", "W 47th St", "S Archer Ave", "E 63rd St", "S Stony Island Ave", "N Sheridan Rd",
    "W Roosevelt Rd", "N Central Ave", "S Cicero Ave", "W Division St", "N Kedzie Ave", "W Montrose Ave",
    "N Lincoln Ave", "W Armitage Ave", "S Michigan Ave", "S Racine Ave", "W 103rd St", "E 111th St", "S Commercial Ave",
]
SUBURB_STREETS = [
    "Main St", "Oak St", "Park Ave", "Lincoln Hwy", "Harlem Ave", "Ridgeland Ave", "Cicero Ave", "Roosevelt Rd",
    "Ogden Ave", "Madison St", "Lake St", "Central Ave", "Washington St", "Dempster St", "Oakton St", "Kedzie Ave",
    "147th St", "159th St", "Halsted St", "Western Ave", "Crawford Ave", "95th St", "Cermak Rd", "Division St",
]
SITE_NAMES = [
    "Main Office", "{place} Site", "{place} Community Room", "Parish Hall at {saint}", "{place} Branch",
    "Fellowship Hall at {saint}", "{place} Family Center", "Annex on {street}", "{place} Satellite Office",
]
SAINTS = ["St. Odilo", "St. Agnes", "St. Pius", "Our Lady of Guadalupe", "St. Columbanus", "Trinity Lutheran", "First Baptist",
          "Greater Mount Olive", "St. Hedwig", "Holy Cross", "Ebenezer", "St. Sabina", "Grace Methodist", "Bethany Evangelical"]

GENERIC_EN = [
    "Our staff help you fill out the forms and answer your questions.",
    "We help anyone who needs it, whatever their immigration status.",
    "If we cannot help, we will connect you with someone who can.",
    "Walk in during open hours; no appointment needed.",
    "Call ahead and we can help you faster.",
    "Case managers help with other needs too, such as food, rent and benefits.",
    "Volunteers help you in English and Spanish, and interpreters are available for other languages.",
    "Everyone is welcome and treated with respect.",
    "We can help you apply for other programs while you are here.",
    "Ask at the front desk for help finding the right program.",
    "Bring a photo ID if you have one; if not, we will still help you.",
    "Free help for families with low incomes.",
    "Staff help you make a plan and follow up with you afterwards.",
    "Need help getting here? Ask us about bus passes.",
    "We help neighbors in {place} and nearby areas.",
]
GENERIC_ES = [
    "Hablamos español.",
    "Le ayudamos a llenar la solicitud.",
    "No necesita cita; venga durante el horario de atención.",
    "Todos son bienvenidos, sin importar su estatus migratorio.",
    "Traiga una identificación con foto si la tiene.",
    "El servicio es gratis y confidencial.",
    "Llame para más información o para hacer una cita.",
    "Tenemos personal bilingüe que le puede ayudar.",
    "Ayuda para familias de bajos ingresos en {place}.",
]
# Sentences with slots, for the varied details real listings have (landmarks, history, extras).
DETAILS = [
    "The {building} is {beside} the {landmark} on {street}.",
    "Founded by {place} neighbors in {year}, we now serve about {number} families a month.",
    "Our volunteers come from {groups} across the neighborhood.",
    "Ask about our {extra}.",
    "On the {ordinal} {weekday} of the month we also offer {extra}.",
    "{parking}",
    "We work closely with {partner} to make referrals quick.",
]
SLOTS = {
    "building": ["office", "site", "center", "storefront", "building", "main entrance"],
    "beside": ["next to", "across from", "around the corner from", "behind", "two doors down from"],
    "landmark": ["public library", "elementary school", "park district field house", "currency exchange", "laundromat",
                 "fire station", "police station", "bakery", "church", "grocery store", "post office", "bus depot"],
    "groups": ["local congregations", "the high school", "a labor union", "nearby colleges", "the block club", "the mosque"],
    "extra": ["free eyeglasses", "bike repair", "notary service", "a community garden", "lead testing for children",
              "hearing aid cleaning", "a Ukrainian conversation hour", "Braille lessons", "doula visits", "dialysis rides",
              "naloxone training", "ITIN workshops", "a seed library", "chess club for seniors", "blood pressure checks",
              "a homework lab", "phone charging stations", "free haircuts", "tutoring in math and reading", "yoga for seniors",
              "a diabetes support group", "a Tagalog-speaking caseworker", "mammogram referrals", "expungement clinics",
              "HiSET practice tests", "dentures through a partner lab", "asylum screenings"],
    "ordinal": ["first", "second", "third", "last"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "parking": ["Free parking behind the building.", "Street parking only; the bus stops at the corner.",
                "Take the train to the nearest station, then a short walk.", "Bike racks at the front door.",
                "Enter through the side door on the alley; ring the bell."],
    "partner": ["the county hospital", "the public schools", "the township office", "the park district", "local churches",
                "the housing authority", "community health workers"],
}
ELIGIBILITY = [
    "Anyone in Lakeshore County.", "Open to everyone.", "Residents of Lakeshore County with low incomes.",
    "Families with children under 18.", "Adults 18 and older.", "Anyone who needs help, whatever their status.",
    "Households at or below 200% of the federal poverty level.", "No residency requirement.",
]
APPLY = [
    "Walk in during open hours.", "Call to make an appointment.", "Call or text, or walk in during open hours.",
    "Fill out the short form online or at the front desk.", "Call the intake line; a staff member will call you back within two days.",
]
DOCUMENTS = [
    "Photo ID (any kind is fine, including a foreign passport or a consular ID)",
    "Proof of address dated in the last 60 days, such as a lease or a utility bill",
    "Proof of income for the last 30 days, if you have it",
    "Your insurance card (Medicaid, Medicare or private) if you have one",
    "The letter or notice you received from the agency",
    "Social Security numbers for everyone in the household, if they have one",
]
FUNDING = [
    "Donations from individuals, congregations and local businesses", "Lakeshore County community services grant",
    "United Way of Lakeshore County", "Federal Community Services Block Grant", "Member congregations",
    "State of Illinois Department of Human Services", "Private foundations", "Client fees on a sliding scale",
]
ACCESSIBILITY = [
    ("Wheelchair accessible entrance", "Step-free entrance at street level."),
    ("Accessible restroom", "Accessible single-stall restroom on the ground floor."),
    ("Elevator", "Elevator to every floor; ask the front desk if it is out of service."),
    ("Service animals welcome", "Service animals are welcome everywhere in the building."),
    ("Large-print materials", "Forms and handouts in large print on request."),
]
FIRST_NAMES = ["Maria", "James", "Guadalupe", "Darnell", "Aisha", "Tomasz", "Linh", "Rosa", "Kevin", "Fatima", "Olena", "Marcus", "Jasmine", "Luis", "Grace"]
LAST_NAMES = ["Hernandez", "Johnson", "Nowak", "Nguyen", "Washington", "Garcia", "Okafor", "Kowalski", "Patel", "Rivera", "Bell", "Santiago", "Kim"]
OTHER_LANGUAGES = [("pl", "Polish"), ("ar", "Arabic"), ("zh", "Chinese"), ("vi", "Vietnamese"), ("tl", "Tagalog"), ("ko", "Korean"),
                   ("ru", "Russian"), ("uk", "Ukrainian"), ("fr", "French"), ("ht", "Haitian Creole"), ("hi", "Hindi"), ("ur", "Urdu")]


@dataclass
class Kind:
    """How one category's services read, when they are open, and what they cost."""

    weight: float
    names: list[str]
    sentences: list[str]
    es_names: list[str] = field(default_factory=list)
    es_sentences: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    ages: list = field(default_factory=lambda: [None])
    hours: str = "weekday"
    cost: str = "free"  # free, sliding, mixed
    unit: str | None = None
    home: float = 0.0  # share delivered at home (service-level hours, no location)
    virtual: bool = False


K = Kind
KINDS: dict[str, Kind] = {
    "emergency-crisis-line": K(1, ["24/7 Crisis Line", "Crisis Text and Call Line", "Suicide and Crisis Support Line"], [
        "Trained counselors answer calls and texts day and night for anyone in a mental health, suicide or safety crisis.",
        "Call or text 988 or our local line; we listen, help you stay safe and connect you with care.",
        "A mobile crisis team can come to you when a phone call is not enough.",
        "Free, confidential help in English and Spanish, with interpreters for 200 languages.",
        "Family members and friends can call for help too."], ["Línea de crisis 24 horas"], [
        "Consejeros contestan llamadas y textos las 24 horas."], ["health-mental-health"], hours="24h", virtual=True),
    "emergency-domestic-violence": K(2, ["Domestic Violence Hotline", "Survivor Advocacy Program", "Confidential Shelter for Survivors", "Safety Planning and Counseling"], [
        "Advocates help survivors of domestic and sexual violence make a safety plan and get an order of protection.",
        "Our confidential shelter offers a safe place to stay for survivors and their children.",
        "Counseling and support groups for survivors, in English and Spanish.",
        "We help you through court, housing and immigration questions after abuse.",
        "Pets can come too: we partner with a foster program so you do not have to leave them behind."],
        ["Línea de ayuda contra la violencia doméstica", "Apoyo para sobrevivientes"], [
        "Ayuda confidencial para sobrevivientes de violencia doméstica.", "Le ayudamos a hacer un plan de seguridad."],
        ["legal-family", "housing-shelter"], hours="24h", home=0.15),
    "emergency-disaster": K(0.5, ["Fire and Disaster Recovery", "House Fire Assistance"], [
        "After a house fire or flood we help with a hotel stay, clothing, food and replacing documents.",
        "A recovery caseworker helps you with insurance claims and finding a new home.",
        "Call us any time after a disaster; we respond within hours."], [], [], ["emergency-cash", "goods-furniture"], hours="24h"),
    "emergency-cash": K(2, ["Emergency Assistance Fund", "One-Time Emergency Help", "Crisis Assistance Vouchers"], [
        "One-time help paying an urgent bill, a prescription or a bus pass when you have nowhere else to turn.",
        "We can pay part of a utility shut-off notice or a rent balance directly to the landlord or company.",
        "Gift cards for groceries and gas when money runs out before the end of the month.",
        "Help is limited to once a year per household, and funds run out early in the month."], ["Ayuda de emergencia"], [
        "Ayuda económica de una sola vez para pagar una cuenta urgente."], ["housing-rent-help", "housing-utilities"], hours="appointment"),
    "food-pantry": K(10, ["Food Pantry", "{place} Food Pantry", "Client-Choice Food Pantry", "Weekly Food Pantry", "Emergency Food Pantry",
                          "Saturday Pantry at {saint}", "Fresh Produce Pantry", "Neighborhood Food Pantry"], [
        "Free groceries for your family: fresh produce, milk, eggs, bread, canned goods, rice and beans.",
        "Shop our pantry like a small grocery store and choose what your family will actually eat.",
        "Most families leave with 30 to 50 pounds of food, and you can come once a week.",
        "We also have diapers, toiletries and pet food when donations come in.",
        "Halal and vegetarian options are available; ask a volunteer.",
        "Food is given out until it runs out, so come early.",
        "No income proof needed; you just tell us your household size.",
        "Volunteers help you carry your groceries to the car or the bus stop.",
        "Diabetes-friendly boxes are available for people with a note from their doctor."],
        ["Despensa de alimentos", "Despensa comunitaria", "Banco de comida"], [
        "Despensa de alimentos gratis con frutas, verduras y comida enlatada.", "Puede venir una vez por semana.",
        "No se necesita comprobante de ingresos."], ["food-snap-help", "goods-hygiene"], hours="pantry", unit="box"),
    "food-mobile-pantry": K(2, ["Mobile Pantry", "Mobile Food Distribution in {place}", "Fresh Food Truck"], [
        "Our truck comes to {place} once a month with fresh produce, dairy and shelf-stable food.",
        "Drive through and we load your trunk, or walk up with a cart.",
        "No paperwork and no ID needed; one share per household.",
        "Distribution ends when the food runs out, so arrive early and bring bags."], ["Despensa móvil"], [
        "Llegue temprano: la distribución termina cuando se acaba la comida."], ["food-pantry"], hours="monthly", unit="box"),
    "food-meals": K(5, ["Community Dinner", "Hot Meal Program", "Soup Kitchen", "Free Lunch", "After-School Supper Program"], [
        "A free hot meal served family style, with seconds when there is enough.",
        "Everyone is welcome to eat with us; no questions asked and no forms to fill out.",
        "Take-away plates are available if you cannot stay.",
        "Volunteers from local congregations cook and serve every week.",
        "Kids and teens under 18 eat free at our after-school supper."], ["Comedor comunitario", "Comida caliente gratis"], [
        "Comida caliente gratis para todos.", "No tiene que llenar ningún formulario."], ["food-seniors"], hours="meals"),
    "food-seniors": K(3, ["Senior Lunch", "Home-Delivered Meals", "Senior Food Boxes", "Congregate Meals for Older Adults"], [
        "Hot lunch on weekdays for adults 60 and older, with exercise and social activities.",
        "Meals delivered to your door for older adults who cannot shop or cook.",
        "Monthly food boxes for seniors with low incomes (the Commodity Supplemental Food Program).",
        "Call the day before to reserve your meal; a suggested donation is welcome but never required."],
        ["Almuerzo para personas mayores", "Comidas a domicilio"], ["Almuerzo caliente para adultos mayores."],
        ["care-older-adults", "food-meals"], ages=[(60, None), (55, None)], hours="meals", home=0.3),
    "food-snap-help": K(4, ["SNAP Application Help", "Link Card Enrollment", "Food Stamps Help", "Benefits Outreach"], [
        "We help you check whether you qualify for SNAP (food stamps) and apply on the spot.",
        "Bring your ID and pay stubs; we help you finish the application and upload documents.",
        "We help you renew your Link card benefits and answer letters from the state.",
        "Help in English, Spanish and Polish."], ["Ayuda con cupones de alimentos", "Solicitud de SNAP"], [
        "Le ayudamos a solicitar los cupones de alimentos (SNAP)."], ["money-benefits"], hours="weekday"),
    "food-wic": K(1.5, ["WIC Clinic", "WIC Nutrition Program"], [
        "WIC gives healthy food, breastfeeding support and nutrition advice to pregnant people, new parents and children under 5.",
        "Bring your child, proof of address and proof of income to your first visit.",
        "Evening hours for working parents."], ["Programa WIC"], ["Comida saludable para mujeres, bebés y niños."],
        ["health-pregnancy"], ages=[(0, 5)], hours="clinic"),
    "food-nutrition": K(2, ["Healthy Cooking Classes", "Nutrition Education", "Diabetes Cooking Workshop"], [
        "Cooking classes that show how to make healthy meals on a budget.",
        "Learn diabetes-friendly eating with a registered dietitian.",
        "Each class ends with a meal together and a bag of ingredients to take home."], ["Clases de cocina saludable"], [
        "Clases de cocina y nutrición en español."], ["food-pantry"], hours="classes", unit="seat"),
    "housing-shelter": K(3, ["Emergency Shelter", "Family Shelter", "Men's Overnight Shelter", "Women's Shelter"], [
        "A safe place to sleep tonight, with dinner, breakfast, showers and lockers.",
        "Case managers help you look for housing and apply for benefits while you stay.",
        "Families with children are kept together in private rooms.",
        "Check in by 7 pm; beds are first come, first served.",
        "We help you get an ID, a phone and a mailing address."], ["Albergue de emergencia"], [
        "Un lugar seguro para dormir esta noche."], ["goods-hygiene", "housing-counseling"], hours="overnight", unit="bed"),
    "housing-youth-shelter": K(1.5, ["Youth Shelter", "Youth Drop-In Center", "Street Outreach for Young People"], [
        "Beds, meals and showers for young people without a safe place to stay.",
        "The drop-in center has laundry, snacks, phone charging and staff who listen.",
        "We help with school, jobs and finding a stable place to live.",
        "LGBTQ+ youth are welcome and safe here."], ["Albergue para jóvenes"], [], ["care-youth-programs"],
        ages=[(14, 24), (18, 24), (12, 21)], hours="overnight", unit="bed"),
    "housing-winter-shelter": K(1, ["Winter Overnight Shelter", "Warming Center"], [
        "Overnight shelter during the cold months, with cots, blankets and a hot meal.",
        "The warming center opens when temperatures drop below freezing.",
        "No ID needed; just come in from the cold."], ["Refugio de invierno"], [], ["housing-shelter"], hours="winter", unit="bed"),
    "housing-rent-help": K(3, ["Emergency Rental Assistance", "Rent Help Program", "Eviction Prevention Fund"], [
        "Help paying back rent so you can stay in your home, paid directly to your landlord.",
        "We can help with a first month's rent and security deposit when you move.",
        "Bring your lease, your landlord's contact and proof of income; we help with the rest.",
        "Funds are limited and go to households facing eviction first."], ["Ayuda con la renta"], [
        "Ayuda para pagar la renta atrasada."], ["legal-housing", "emergency-cash"], hours="appointment"),
    "housing-utilities": K(2.5, ["Utility Bill Assistance", "LIHEAP Energy Assistance", "Water Bill Help"], [
        "Help with gas, electric and water bills, including shut-off notices.",
        "We take LIHEAP applications and help you set up a payment plan with the utility company.",
        "Free weatherization can lower your heating bills next winter."], ["Ayuda con la factura de luz"], [
        "Le ayudamos a pagar las facturas de luz y gas."], ["housing-rent-help"], hours="appointment"),
    "housing-counseling": K(2, ["Housing Counseling", "Foreclosure Prevention", "Renter Education"], [
        "HUD-certified counselors help renters, first-time buyers and homeowners facing foreclosure.",
        "Learn about your rights as a tenant and how to budget for a home.",
        "One-on-one appointments in person or by phone."], ["Consejería de vivienda"], [], ["money-financial-coaching"], hours="appointment"),
    "housing-repairs": K(1, ["Home Repair Program", "Accessibility Modifications"], [
        "Free or low-cost repairs for homeowners with low incomes: roofs, furnaces, porches and plumbing.",
        "Ramps, grab bars and stair lifts so older adults can stay in their homes."], [], [], ["care-older-adults"], hours="appointment"),
    "goods-clothing": K(3, ["Clothing Closet", "Free Coat Drive", "Work Clothes Boutique"], [
        "Free clothing for the whole family, including winter coats, boots and school uniforms.",
        "Interview and work clothes for adults starting a new job.",
        "Take up to ten items per person per visit."], ["Ropa gratis"], ["Ropa gratis para toda la familia."], ["goods-hygiene"], hours="pantry"),
    "goods-baby": K(1.5, ["Diaper Bank", "Baby Supplies Pantry"], [
        "Diapers, wipes, formula and baby clothes for families who need them.",
        "Car seats and cribs with a safety lesson for new parents."], ["Banco de pañales"], ["Pañales gratis para bebés."],
        ["health-pregnancy"], hours="pantry"),
    "goods-furniture": K(1, ["Furniture Bank", "Household Goods Program"], [
        "Beds, tables, kitchen kits and household goods for people moving into housing.",
        "A referral from a case worker is needed; delivery is available for a small fee."], [], [], ["housing-shelter"], hours="appointment"),
    "goods-hygiene": K(2, ["Showers and Laundry", "Hygiene Pantry"], [
        "Free hot showers, laundry and toiletries.", "Menstrual products, razors and soap at no cost.",
        "Haircuts on the first Monday of the month."], ["Duchas y lavandería"], [], ["housing-shelter"], hours="weekday"),
    "transit-medical-rides": K(1, ["Rides to Medical Appointments", "Dialysis Transportation"], [
        "Free rides to doctor, dialysis and other health appointments for people without a car.",
        "Call at least two days ahead to schedule your ride.", "Wheelchair-accessible vans are available."],
        ["Transporte a citas médicas"], [], ["health-primary-care"], hours="weekday", home=0.8),
    "transit-reduced-fare": K(0.7, ["Reduced Fare Card Help", "Ride Free Program Enrollment"], [
        "We help older adults and people with disabilities apply for reduced or free fares on buses and trains."],
        [], [], ["care-disability"], hours="weekday"),
    "transit-volunteer-drivers": K(0.7, ["Volunteer Driver Program"], [
        "Volunteer drivers take older adults and people with disabilities to errands and appointments."], [], [],
        ["care-older-adults"], ages=[(60, None)], hours="weekday", home=0.9),
    "health-primary-care": K(4, ["Community Health Clinic", "Family Medicine", "Primary Care", "Walk-In Clinic", "{place} Health Center"], [
        "Check-ups, sick visits, chronic disease care and screenings for all ages.",
        "We see patients with or without insurance, on a sliding fee scale based on income.",
        "Same-day appointments for urgent needs.",
        "Our doctors and nurses speak English and Spanish.",
        "We help you enroll in Medicaid if you qualify.",
        "Lab work, vaccines and prescriptions in the same building."], ["Clínica comunitaria", "Centro de salud"], [
        "Clínica médica para toda la familia, con o sin seguro.", "Pago según sus ingresos."],
        ["health-screenings", "health-insurance"], hours="clinic", cost="sliding", unit="appointment"),
    "health-dental": K(2.5, ["Dental Clinic", "Community Dental Care", "Mobile Dental Van"], [
        "Cleanings, fillings, extractions and dentures at low or no cost.",
        "Emergency dental visits for tooth pain, usually the same week.",
        "Children's dental care and sealants at school.",
        "We accept Medicaid and offer a sliding fee scale for adults without insurance."], ["Clínica dental"], [
        "Atención dental a bajo costo."], ["health-primary-care"], hours="clinic", cost="sliding", unit="appointment"),
    "health-mental-health": K(5, ["Counseling Services", "Mental Health Clinic", "Therapy and Support Groups", "Behavioral Health Services"], [
        "Counseling and therapy for adults, children and families, in person or by video.",
        "Support groups for depression, anxiety, grief and trauma.",
        "Psychiatry and medication management for people with serious mental illness.",
        "We help you find a counselor who speaks your language.",
        "No one is turned away for inability to pay."], ["Salud mental", "Consejería"], [
        "Terapia y consejería en español."], ["emergency-crisis-line"], hours="appointment", cost="sliding", unit="appointment"),
    "health-substance-use": K(2.5, ["Recovery Services", "Substance Use Treatment", "Addiction Recovery Program"], [
        "Treatment for alcohol and drug use, including medication for opioid use disorder.",
        "Free naloxone (Narcan) and training to reverse an overdose.",
        "Recovery coaches help you stay on track after treatment.",
        "Outpatient and intensive outpatient programs, with evening groups."], ["Recuperación de adicciones"], [],
        ["health-mental-health"], hours="clinic", cost="sliding"),
    "health-prescriptions": K(2, ["Community Pharmacy", "Prescription Assistance"], [
        "Low-cost prescriptions for patients without insurance; many generics cost $4.",
        "We help you apply for drug company programs that give medicines for free.",
        "Insulin and inhalers at reduced prices."], ["Farmacia comunitaria"], [], ["health-primary-care"], hours="weekday", cost="mixed"),
    "health-insurance": K(2.5, ["Health Insurance Enrollment", "Medicaid Application Help", "Marketplace Navigators"], [
        "Certified navigators help you apply for Medicaid, Medicare savings programs and Marketplace coverage.",
        "We help you compare plans and answer letters about your coverage.",
        "Help is free and available in several languages."], ["Ayuda con el seguro médico"], [
        "Le ayudamos a solicitar Medicaid."], ["money-benefits"], hours="appointment"),
    "health-pregnancy": K(2, ["Prenatal Care", "Home Visiting for New Parents", "Doula Program"], [
        "Prenatal care and support for new parents and babies.",
        "A nurse or doula visits your home during pregnancy and after the baby is born.",
        "Breastfeeding support groups every week."], ["Cuidado prenatal"], ["Apoyo para mujeres embarazadas."],
        ["food-wic"], hours="appointment", cost="sliding", home=0.2),
    "health-screenings": K(3, ["Vaccine Clinic", "HIV and STI Testing", "Vision and Hearing Screenings", "Free Health Screenings"], [
        "Free vaccines for children and adults, including flu and COVID-19 shots.",
        "Free and confidential HIV and STI testing, with results in 20 minutes.",
        "Vision and hearing screenings, free eyeglasses for children.",
        "Mammogram and blood pressure screenings at no cost."], ["Vacunas y pruebas gratis"], [
        "Vacunas gratis para niños y adultos."], ["health-primary-care"], hours="clinic"),
    "money-tax-prep": K(1.5, ["Free Tax Preparation (VITA)", "Free Tax Help"], [
        "IRS-certified volunteers prepare and file your taxes for free if your household earns under $67,000.",
        "We help with ITIN applications and the Earned Income Tax Credit.",
        "Bring your ID, Social Security cards or ITINs and all your W-2 and 1099 forms."],
        ["Preparación de impuestos gratis"], ["Preparamos sus impuestos gratis."], ["money-financial-coaching"], hours="tax"),
    "money-benefits": K(4, ["Benefits Check-Up", "Public Benefits Enrollment", "Benefits Access Program"], [
        "In one visit a benefits specialist checks what you could get and applies with you.",
        "We help with cash assistance, SSI, SNAP, Medicaid and the Medicare Savings Programs.",
        "We follow up if you get a letter asking for more information."], ["Ayuda con beneficios públicos"], [
        "Le ayudamos a solicitar beneficios."], ["food-snap-help", "health-insurance"], hours="weekday"),
    "money-financial-coaching": K(1.5, ["Financial Coaching", "Credit and Debt Counseling"], [
        "One-on-one help with budgets, debt, credit reports and savings.",
        "Free workshops on banking, credit and avoiding scams."], ["Asesoría financiera"], [], ["housing-counseling"], hours="appointment"),
    "care-child-care": K(3.5, ["Head Start", "Child Care Center", "Early Learning Program", "After-School Program"], [
        "Full-day child care and early learning for young children.",
        "Head Start is free for families with low incomes and includes meals and health screenings.",
        "We help you apply for the Child Care Assistance Program to pay for care.",
        "Bilingual teachers and small classes."], ["Guardería", "Cuidado infantil"], ["Cuidado infantil bilingüe."],
        ["care-youth-programs"], ages=[(0, 5), (3, 5), (6, 12)], hours="weekday", cost="sliding", unit="seat"),
    "care-older-adults": K(4, ["Senior Center", "Services for Older Adults", "Case Management for Seniors", "Medicare Counseling"], [
        "Activities, exercise classes and lunch for older adults.",
        "Case managers help seniors stay independent at home with in-home help and meal delivery.",
        "Free Medicare counseling during open enrollment.",
        "We help with benefits, letters and paying bills."], ["Centro para personas mayores"], [
        "Actividades y almuerzo para adultos mayores."], ["food-seniors", "care-caregiver-support"], ages=[(60, None), (55, None), (65, None)],
        hours="weekday", home=0.1),
    "care-disability": K(2, ["Disability Services", "Independent Living Center"], [
        "Independent living skills, assistive technology and advocacy for people with disabilities.",
        "We help you apply for disability benefits and home services.",
        "Braille, sign language interpreters and large-print materials on request."], ["Servicios para personas con discapacidad"], [],
        ["transit-reduced-fare"], hours="appointment"),
    "care-caregiver-support": K(1, ["Caregiver Support Group", "Respite for Family Caregivers"], [
        "Support groups and training for family caregivers of older adults and people with dementia.",
        "Respite care gives caregivers a few hours off each week."], [], [], ["care-older-adults"], hours="classes"),
    "care-youth-programs": K(4, ["Youth Program", "After-School Tutoring", "Summer Camp", "Mentoring Program", "Teen Center"], [
        "After-school tutoring, homework help, sports and art for children and teens.",
        "Mentors meet with young people every week.",
        "Free summer camp with field trips and lunch.",
        "A safe place for teens after school, with snacks and caring staff."], ["Programa para jóvenes"], [
        "Ayuda con la tarea y actividades para jóvenes."], ["care-child-care"], ages=[(6, 18), (12, 18), (13, 19)], hours="classes", unit="seat"),
    "education-esl": K(3, ["English Classes (ESL)", "English Conversation Group", "ESL for Adults"], [
        "Free English classes for adults, from beginner to advanced, mornings and evenings.",
        "Practice everyday English for the doctor, the bank and your children's school.",
        "Child care is available during morning classes."], ["Clases de inglés"], ["Clases de inglés gratis para adultos."],
        ["education-citizenship"], ages=[(18, None)], hours="classes", unit="seat"),
    "education-ged": K(1.5, ["GED Classes", "High School Equivalency"], [
        "Classes and testing help for the GED or HiSET, in English or Spanish.", "Free books and practice tests."],
        ["Clases de GED en español"], [], ["work-job-training"], ages=[(16, None)], hours="classes", unit="seat"),
    "education-digital": K(2, ["Computer Classes", "Digital Skills Lab"], [
        "Free computer classes, internet access and help using a phone or laptop.",
        "Learn email, video calls and how to apply for jobs online."], ["Clases de computación"], [], ["work-job-search"], hours="classes"),
    "education-citizenship": K(1.5, ["Citizenship Classes", "Citizenship Interview Prep"], [
        "Classes that prepare permanent residents for the citizenship interview and civics test.",
        "We help you fill out the N-400 and apply for a fee waiver."], ["Clases de ciudadanía"], [
        "Prepárese para el examen de ciudadanía."], ["legal-immigration"], hours="classes"),
    "work-job-training": K(2.5, ["Job Training", "Healthcare Career Training", "Construction Pre-Apprenticeship"], [
        "Free training for jobs in health care, construction, manufacturing and warehouse work.",
        "Earn a certificate in 8 to 12 weeks, with help finding a job afterwards.",
        "Stipends and bus passes for trainees."], ["Capacitación laboral"], [], ["work-job-search"], ages=[(18, None)], hours="classes", unit="seat"),
    "work-job-search": K(3, ["Job Search Help", "Career Center", "Resume and Interview Workshop"], [
        "Resume help, job leads, interview practice and career counseling.",
        "Meet employers who are hiring at our monthly job fairs.",
        "We help people with records find employers who hire them."], ["Ayuda para buscar trabajo"], [
        "Le ayudamos a buscar trabajo."], ["education-digital"], hours="weekday"),
    "work-youth-employment": K(1.5, ["Youth Summer Jobs", "Paid Internships for Youth"], [
        "Paid summer jobs and year-round internships for young people.", "Job coaches help you prepare and keep your first job."],
        [], [], ["care-youth-programs"], ages=[(16, 24), (14, 24)], hours="weekday"),
    "legal-immigration": K(2, ["Immigration Legal Services", "DACA Renewal Clinic", "Asylum Help"], [
        "Advice and representation for citizenship, DACA, asylum, family petitions and removal defense.",
        "Free consultations with an immigration attorney or accredited representative.",
        "We help you avoid notario fraud."], ["Servicios legales de inmigración"], [
        "Consultas gratis con un abogado de inmigración."], ["education-citizenship"], hours="appointment", cost="sliding"),
    "legal-housing": K(2, ["Tenant Legal Help", "Eviction Defense", "Tenant Rights Hotline"], [
        "Free legal help for renters facing eviction, lockouts, bad conditions or deposit disputes.",
        "A lawyer can come with you to eviction court.",
        "Know your rights: free workshops for tenants."], ["Ayuda legal para inquilinos"], [
        "Ayuda legal gratis si le quieren desalojar."], ["housing-rent-help"], hours="weekday"),
    "legal-benefits": K(1, ["Benefits Appeals", "Public Benefits Legal Help"], [
        "Help appealing a denial or cut of SNAP, Medicaid, SSI, SSDI or unemployment benefits.",
        "Bring the letter you received; deadlines are short."], [], [], ["money-benefits"], hours="appointment"),
    "legal-family": K(1.5, ["Family Law Clinic", "Orders of Protection Help"], [
        "Help with orders of protection, custody, child support and divorce.",
        "Court advocates help you fill out forms and go with you to court."], ["Ayuda legal para familias"], [],
        ["emergency-domestic-violence"], hours="appointment"),
    "legal-records": K(1, ["Record Sealing Clinic", "Expungement Help"], [
        "Help sealing or expunging criminal records so they do not block jobs and housing.",
        "Free expungement clinics every month with volunteer lawyers."], [], [], ["work-job-search"], hours="monthly"),
}

DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
HOLIDAYS = [(date(2026, 11, 26), "Closed for Thanksgiving"), (date(2026, 12, 25), "Closed for Christmas"), (date(2027, 1, 1), "Closed for New Year's Day")]


# ---------------------------------------------------------------------------------------------
# The catalogue: taxonomy, units, headers.

def _catalog_rows(filename: str) -> list[dict]:
    with (CATALOG / filename).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _catalog_header(filename: str) -> list[str]:
    with (CATALOG / filename).open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


@dataclass
class Term:
    id: uuid.UUID
    code: str
    name: str
    description: str
    parent_id: uuid.UUID | None


def category_terms() -> dict[str, Term]:
    """The sub-terms (the ones services link to) of the category taxonomy, by code."""
    rows = [r for r in _catalog_rows("taxonomy_terms.csv") if r["taxonomy_id"] == str(CATEGORY_TAXONOMY)]
    return {r["code"]: Term(uuid.UUID(r["id"]), r["code"], r["name"], r["description"], uuid.UUID(r["parent_id"]))
            for r in rows if r["parent_id"]}


def _kind_for(term: Term) -> Kind:
    """Our bank for a category, or a plain one from its name and description."""
    if term.code in KINDS:
        return KINDS[term.code]
    return Kind(1.0, [term.name, f"{term.name} Program", f"{{place}} {term.name}"], [term.description])


# ---------------------------------------------------------------------------------------------
# Generation.

class Corpus:
    def __init__(self, services: int, seed: int):
        self.rng = random.Random(seed)
        self.services = services
        self.terms = category_terms()
        self.kinds = {code: _kind_for(term) for code, term in self.terms.items()}
        self.units = {r["name"]: uuid.UUID(r["id"]) for r in _catalog_rows("units.csv")}
        self.zips = _zip_codes()

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def bundles(self):
        """One organisation at a time, as {object: [rows]} with Python values, so nothing piles up in memory."""
        rng = self.rng
        organizations = max(1, round(self.services / 2.5))
        counts = [1] * organizations
        weights = [rng.paretovariate(1.6) for _ in range(organizations)]
        for index in rng.choices(range(organizations), weights=weights, k=max(0, self.services - organizations)):
            counts[index] += 1
        for count in counts:
            yield self._organization(count)

    # An organisation, its places, and its services.

    def _organization(self, count: int) -> dict[str, list[dict]]:
        rng = self.rng
        rows: dict[str, list[dict]] = {name: [] for name in FILES}
        sector = rng.choices(list(SECTOR_WEIGHTS), weights=list(SECTOR_WEIGHTS.values()))[0]
        home_zip = rng.choice(self.zips)
        place = rng.choice(NEIGHBOURHOODS) if home_zip["city"] == "Chicago" else home_zip["city"]
        word = rng.choice(ORG_WORDS)
        kind_word = rng.choice(ORG_TYPES[sector])
        name = rng.choice([f"{word} {kind_word}", f"{place} {kind_word}", f"{word} {kind_word} of {place}"])
        slug = re.sub(r"[^a-z0-9]+", "", name.lower())[:24]
        org_id = self.uuid()
        spanish_org = rng.random() < 0.12
        rows["organization"].append({
            "id": org_id, "name": name, "alternate_name": None,
            "description": f"{name} has served {place} since {rng.randint(1950, 2020)}. "
                           + rng.choice(GENERIC_EN).format(place=place),
            "email": f"info@{slug}.example.org", "website": f"https://{slug}.example.org", "tax_status": "501(c)(3)",
            "tax_id": f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}", "year_incorporated": float(rng.randint(1950, 2020)),
            "legal_status": "Illinois not-for-profit corporation", "logo": None, "uri": f"https://{slug}.example.org",
            "parent_organization_id": None,
        })
        rows["organization_identifier"].append({"id": self.uuid(), "organization_id": org_id, "identifier_scheme": "US-EIN",
                                                "identifier_type": "EIN", "identifier": rows["organization"][0]["tax_id"]})
        rows["funding"].append({"id": self.uuid(), "organization_id": org_id, "service_id": None, "source": rng.choice(FUNDING)})
        rows["phone"].append(self._phone(organization_id=org_id, description="Main office line"))
        if rng.random() < 0.2:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            rows["contact"].append({"id": self.uuid(), "organization_id": org_id, "service_id": None, "service_at_location_id": None,
                                    "location_id": None, "name": f"{first} {last}", "title": "Program Director", "department": None,
                                    "email": f"{first.lower()}.{last.lower()}@{slug}.example.org"})
        if rng.random() < 0.1:
            rows["url"].append({"id": self.uuid(), "label": rng.choice(["Donate", "Volunteer"]), "url": f"https://{slug}.example.org/give",
                                "organization_id": org_id, "service_id": None})
        if rng.random() < 0.05:
            rows["metadata"].append({"id": self.uuid(), "resource_id": org_id, "resource_type": "organization",
                                     "last_action_date": date(2026, 1, 5) + timedelta(days=rng.randint(0, 300)),
                                     "last_action_type": "create", "field_name": "record", "previous_value": "(none)",
                                     "replacement_value": "created by directory staff", "updated_by": "Directory staff"})
        program_id = None
        if rng.random() < 0.25:
            program_id = self.uuid()
            rows["program"].append({"id": program_id, "organization_id": org_id, "name": f"{place} {rng.choice(['Family Support', 'Community Care', 'Neighborhood Access'])}",
                                    "alternate_name": None, "description": f"Services of {name} in {place}."})
        # Places: about 1.67 per organisation, near its home ZIP most of the time.
        locations = []
        for index in range(max(1, min(count, int(count / 1.65 + rng.random())))):
            zip_code = home_zip if index == 0 or rng.random() < 0.5 else rng.choice(self.zips)
            locations.append(self._location(rows, org_id, name, zip_code, index))
        context = {"org_id": org_id, "org_name": name, "slug": slug, "place": place, "sector": sector,
                   "spanish": spanish_org, "program_id": program_id}
        for index in range(count):
            self._service(rows, context, locations, index)
        return rows

    def _location(self, rows, org_id, org_name, zip_code, index) -> dict:
        rng = self.rng
        city = zip_code["city"]
        place = rng.choice(NEIGHBOURHOODS) if city == "Chicago" else city
        street = rng.choice(CITY_STREETS if city == "Chicago" else SUBURB_STREETS)
        site = "Main Office" if index == 0 else rng.choice(SITE_NAMES).format(place=place, saint=rng.choice(SAINTS), street=street)
        location_id = self.uuid()
        lat = float(zip_code["lat"]) + rng.uniform(-0.008, 0.008)
        lon = float(zip_code["long"]) + rng.uniform(-0.011, 0.011)
        location = {"id": location_id, "location_type": "physical", "url": None, "organization_id": org_id,
                    "name": f"{org_name} - {site}", "alternate_name": None, "description": None,
                    "transportation": rng.choice([None, "Bus stop at the corner.", "Two blocks from the train.", "Free parking in our lot."]),
                    "latitude": round(lat, 6), "longitude": round(lon, 6), "external_identifier": None, "external_identifier_type": None}
        rows["location"].append(location)
        rows["address"].append({"id": self.uuid(), "location_id": location_id, "attention": None,
                                "address_1": f"{rng.randint(100, 9999)} {street}", "address_2": rng.choice([None, None, "Suite 200", "Lower level"]),
                                "city": city, "region": "Lakeshore County", "state_province": "IL", "postal_code": zip_code["zip_code"],
                                "country": "US", "address_type": "physical"})
        for description, details in rng.sample(ACCESSIBILITY, rng.choice([0, 0, 1, 2])):
            rows["accessibility"].append({"id": self.uuid(), "location_id": location_id, "description": description, "details": details, "url": None})
        if rng.random() < 0.3:
            rows["phone"].append(self._phone(location_id=location_id, organization_id=org_id, description=f"{site} front desk"))
        return {"row": location, "city": city}

    def _virtual_location(self, rows, org_id, org_name) -> dict:
        location = {"id": self.uuid(), "location_type": "virtual", "url": None, "organization_id": org_id,
                    "name": f"{org_name} - Phone and text line", "alternate_name": None, "description": "Answered by phone and text; no walk-in site.",
                    "transportation": None, "latitude": None, "longitude": None, "external_identifier": None, "external_identifier_type": None}
        rows["location"].append(location)
        return {"row": location, "city": None}

    def _phone(self, **owners) -> dict:
        rng = self.rng
        description = owners.pop("description", None)
        row = {"id": self.uuid(), "location_id": None, "service_id": None, "organization_id": None, "contact_id": None,
               "service_at_location_id": None, "number": f"({rng.choice(['312', '773', '708', '847'])}) 555-01{rng.randint(0, 99):02d}",
               "extension": None, "type": "voice", "description": description}
        row.update(owners)
        return row

    def _pick_code(self, sector: str) -> str:
        rng = self.rng
        prefix = SECTORS[sector]
        codes = list(self.kinds)
        if prefix and rng.random() < 0.7:
            own = [c for c in codes if c.startswith(prefix)]
            if own:
                codes = own
        return rng.choices(codes, weights=[self.kinds[c].weight for c in codes])[0]

    def _service(self, rows, context, locations, index) -> None:
        rng = self.rng
        code = self._pick_code(context["sector"])
        kind = self.kinds[code]
        service_id = self.uuid()
        place = context["place"]
        fill = {"place": place, "saint": rng.choice(SAINTS), "org": context["org_name"]}
        name = rng.choice(kind.names).format(**fill)
        language_mode = "es" if context["spanish"] and rng.random() < 0.4 else ("both" if rng.random() < 0.2 else "en")
        alternate = rng.choice(kind.es_names) if kind.es_names and language_mode != "en" else None
        description = self._description(kind, fill, language_mode)
        ages = rng.choice(kind.ages)
        if ages is None and rng.random() < 0.06:
            ages = (18, None)
        status = rng.choices(["active", "temporarily closed", "inactive"], weights=[97, 2, 1])[0]
        rows["service"].append({
            "id": service_id, "organization_id": context["org_id"],
            "program_id": context["program_id"] if context["program_id"] and rng.random() < 0.6 else None,
            "name": name, "alternate_name": alternate, "description": description,
            "url": f"https://{context['slug']}.example.org/{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}" if rng.random() < 0.3 else None,
            "email": f"help@{context['slug']}.example.org" if rng.random() < 0.3 else None, "status": status,
            "interpretation_services": "Interpreters for any language by phone." if rng.random() < 0.2 else None,
            "application_process": rng.choice(APPLY), "fees_description": None, "wait_time": None, "fees": None, "accreditations": None,
            "eligibility_description": rng.choice(ELIGIBILITY) if ages is None else _age_text(ages),
            "minimum_age": None if ages is None or ages[0] is None else float(ages[0]),
            "maximum_age": None if ages is None or ages[1] is None else float(ages[1]),
            "assured_date": date(2026, 1, 5) + timedelta(days=rng.randint(0, 320)), "assurer_email": f"verify@{context['slug']}.example.org",
            "licenses": None, "alert": "Closed for renovations until further notice." if status == "temporarily closed" else None,
            "last_modified": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00.{rng.randint(0, 999):03d}Z",
        })
        # Categories: the kind's own term and up to two related ones.
        codes = [code] + rng.sample([c for c in kind.related if c in self.terms], k=min(len([c for c in kind.related if c in self.terms]), rng.choice([0, 0, 1, 1, 2])))
        for linked in codes:
            rows["attribute"].append({"id": self.uuid(), "link_id": service_id, "taxonomy_term_id": self.terms[linked].id,
                                      "link_type": "category", "link_entity": "service", "value": None, "label": None})
        if rng.random() < 0.92:
            rows["attribute"].append({"id": uuid.uuid5(service_id, "capacity-status"), "link_id": service_id, "taxonomy_term_id": CAPACITY_TERM,
                                      "link_type": None, "link_entity": "service", "label": None,
                                      "value": rng.choices(["has_capacity", "waitlist", "no_capacity", "assessment_required"], weights=[72, 16, 5, 7])[0]})
        if kind.unit and kind.unit in self.units and rng.random() < 0.12:
            maximum = rng.choice([20, 40, 60, 100, 150, 300])
            rows["service_capacity"].append({"id": self.uuid(), "service_id": service_id, "unit_id": self.units[kind.unit],
                                             "available": float(rng.randint(0, maximum)), "maximum": float(maximum),
                                             "description": f"{kind.unit.capitalize()}s available this week", "updated": "2026-11-20T15:00:00.000Z"})
        # Languages: English always; Spanish for bilingual listings and many others.
        codes_spoken = ["en"]
        if language_mode != "en" or rng.random() < 0.2:
            codes_spoken.append("es")
        codes_spoken += [c for c, _ in rng.sample(OTHER_LANGUAGES, rng.choice([0, 0, 0, 0, 1, 1, 2]))]
        names = dict(OTHER_LANGUAGES) | {"en": "English", "es": "Spanish"}
        for spoken in codes_spoken:
            rows["language"].append({"id": self.uuid(), "service_id": service_id, "location_id": None, "phone_id": None,
                                     "name": names[spoken], "code": spoken, "note": None})
        rows["cost_option"].append(self._cost(kind, service_id))
        area = rng.choice([("Lakeshore County", "Open to residents of all of Lakeshore County."), ("No residency requirement", "Open to anyone who comes, wherever they live."),
                           (place, f"Residents of {place}.")])
        rows["service_area"].append({"id": self.uuid(), "service_id": service_id, "service_at_location_id": None, "name": area[0],
                                     "description": area[1], "extent": None, "extent_type": None, "uri": None})
        for document in rng.sample(DOCUMENTS, rng.choice([0, 0, 1, 2])):
            rows["required_document"].append({"id": self.uuid(), "service_id": service_id, "document": document, "uri": None})
        if rng.random() < 0.4:
            rows["phone"].append(self._phone(service_id=service_id, organization_id=context["org_id"], description=f"{name} line"))
        # Where and when.
        schedule = self._rules(kind)
        if rng.random() < kind.home:
            for rule in schedule:
                rows["schedule"].append(self._schedule_row(rule, service_id=service_id))
            return
        if kind.virtual:
            places = [self._virtual_location(rows, context["org_id"], context["org_name"])]
        else:
            places = [locations[index % len(locations)]]
            extra = rng.choices([0, 1, 2], weights=[75, 20, 5])[0]
            places += rng.sample([p for p in locations if p is not places[0]], k=min(extra, len(locations) - 1))
        for place_ in places:
            sal_id = self.uuid()
            rows["service_at_location"].append({"id": sal_id, "service_id": service_id, "location_id": place_["row"]["id"], "description": None})
            rules = schedule if place_ is places[0] else self._rules(kind)
            for rule in rules:
                rows["schedule"].append(self._schedule_row(rule, service_id=service_id, location_id=place_["row"]["id"], service_at_location_id=sal_id))
            for rule in self._exceptions(rules):
                rows["schedule"].append(self._schedule_row(rule, service_id=service_id, location_id=place_["row"]["id"], service_at_location_id=sal_id))

    def _description(self, kind: Kind, fill: dict, mode: str) -> str:
        """40 to 120 words: the kind's own sentences, general ones (most with "help"), and Spanish ones if bilingual."""
        rng = self.rng
        target = rng.randint(40, 120)
        own = rng.sample(kind.sentences, len(kind.sentences))
        general = rng.sample(GENERIC_EN, len(GENERIC_EN))
        details = [self._detail(fill) for _ in range(4)]
        filler = [s for pair in zip(general, details + general[len(details):]) for s in pair]
        spanish = rng.sample(kind.es_sentences + GENERIC_ES, len(kind.es_sentences + GENERIC_ES))
        if mode == "es":
            pools = [spanish, own[:1], spanish]
        elif mode == "both":
            pools = [own[:2], spanish[:2], filler[:3], own[2:], filler[3:]]
        else:
            pools = [own[:2], filler[:2], own[2:], filler[2:]]
        sentences, words = [], 0
        for sentence in (s for pool in pools for s in pool):
            text = sentence.format(**fill)
            count = len(text.split())
            if words >= 40 and words + count > target:
                break
            if words + count > 120:
                continue
            sentences.append(text)
            words += count
        return " ".join(sentences)

    def _detail(self, fill: dict) -> str:
        rng = self.rng
        values = {slot: rng.choice(choices) for slot, choices in SLOTS.items()}
        values.update(street=rng.choice(CITY_STREETS), year=rng.randint(1950, 2020), number=rng.choice([40, 80, 150, 300, 600]), **fill)
        return rng.choice(DETAILS).format(**values)

    def _cost(self, kind: Kind, service_id) -> dict:
        rng = self.rng
        row = {"id": self.uuid(), "service_id": service_id, "valid_from": None, "valid_to": None, "option": "Free", "currency": "USD",
               "amount": 0.0, "amount_description": None}
        roll = rng.random()
        if kind.cost == "sliding" and roll < 0.55 or kind.cost == "mixed" and roll < 0.3:
            row.update(option="Sliding scale", amount=None, currency=None,
                       amount_description="Based on household income and size; no one is turned away for inability to pay.")
        elif roll > 0.96:
            row.update(option=rng.choice(["Fee", "Suggested donation"]), amount=float(rng.choice([2, 5, 10, 25, 40])))
        return row

    def _rules(self, kind: Kind) -> list[dict]:
        """Weekly or monthly rules in the shape of HSDS schedule rows."""
        rng = self.rng
        weekdays = "MO,TU,WE,TH,FR"
        style = kind.hours
        if style == "weekday":
            opens, closes = rng.choice([("09:00", "17:00"), ("08:30", "16:30"), ("10:00", "18:00"), ("09:00", "15:00")])
            rules = [{"freq": "WEEKLY", "byday": weekdays, "opens_at": opens, "closes_at": closes}]
            if rng.random() < 0.2:
                rules.append({"freq": "WEEKLY", "byday": "SA", "opens_at": "10:00", "closes_at": "14:00"})
            return rules
        if style == "pantry":
            days = rng.sample(["MO", "TU", "WE", "TH", "FR", "SA"], rng.choice([1, 2, 2, 3]))
            rules = [{"freq": "WEEKLY", "byday": ",".join(sorted(days, key=hours_.DAYS.index)), "opens_at": o, "closes_at": c}
                     for o, c in [rng.choice([("10:00", "14:00"), ("09:00", "12:00"), ("16:00", "19:00"), ("13:00", "16:00")])]]
            if rng.random() < 0.25:
                rules.append({"freq": "MONTHLY", "byday": rng.choice(["1SA", "2SA", "3SA", "-1FR"]), "opens_at": "09:00", "closes_at": "12:00"})
            return rules
        if style == "monthly":
            return [{"freq": "MONTHLY", "byday": rng.choice(["1SA", "2SA", "3WE", "-1FR", "2TU"]), "opens_at": "09:00", "closes_at": "11:30"}]
        if style == "meals":
            opens, closes = rng.choice([("11:30", "13:00"), ("17:00", "18:30"), ("12:00", "13:30")])
            return [{"freq": "WEEKLY", "byday": rng.choice([weekdays, "MO,WE,FR", "TU,TH", "MO,TU,WE,TH,FR,SA,SU"]), "opens_at": opens, "closes_at": closes}]
        if style == "overnight":
            return [{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": rng.choice(["19:00", "18:00", "20:00"]), "closes_at": "07:00"}]
        if style == "winter":
            return [{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "19:00", "closes_at": "07:00",
                     "valid_from": date(2026, 11, 1), "valid_to": date(2027, 3, 31)}]
        if style == "24h":
            return [{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "00:00"}]
        if style == "clinic":
            rules = [{"freq": "WEEKLY", "byday": weekdays, "opens_at": "08:00", "closes_at": rng.choice(["17:00", "16:30", "18:00"])}]
            if rng.random() < 0.4:
                rules.append({"freq": "WEEKLY", "byday": rng.choice(["TU", "TH"]), "opens_at": "17:00", "closes_at": "20:00"})
            if rng.random() < 0.3:
                rules.append({"freq": "WEEKLY", "byday": "SA", "opens_at": "09:00", "closes_at": "13:00"})
            return rules
        if style == "classes":
            days, (opens, closes) = rng.choice(["MO,WE", "TU,TH", "SA", "MO,TU,WE,TH"]), rng.choice([("09:30", "11:30"), ("18:00", "20:00"), ("15:00", "18:00")])
            return [{"freq": "WEEKLY", "byday": days, "opens_at": opens, "closes_at": closes}]
        if style == "tax":
            return [{"freq": "WEEKLY", "byday": "TU,TH,SA", "opens_at": "10:00", "closes_at": "16:00", "attending_type": "by appointment",
                     "valid_from": date(2027, 1, 26), "valid_to": date(2027, 4, 15)}]
        # by appointment, in office hours
        return [{"freq": "WEEKLY", "byday": weekdays, "opens_at": "09:00", "closes_at": "17:00", "attending_type": "by appointment"}]

    def _exceptions(self, rules: list[dict]) -> list[dict]:
        """Holiday closures where the place would otherwise be open, for about 40% of places."""
        rng = self.rng
        if rng.random() > 0.4:
            return []
        weekly = {d for r in rules if r.get("freq") == "WEEKLY" and not r.get("attending_type") for d in r["byday"].split(",")}
        found = []
        for day, note in HOLIDAYS:
            if hours_.DAYS[day.weekday()] in weekly:
                found.append({"valid_from": day, "valid_to": day, "description": note})
        if "TH" in weekly and rng.random() < 0.3:
            found.append({"valid_from": date(2026, 12, 24), "valid_to": date(2026, 12, 24), "opens_at": "10:00", "closes_at": "13:00",
                          "description": "Christmas Eve: 10 am to 1 pm"})
        return found

    def _schedule_row(self, rule: dict, **owners) -> dict:
        row = {"id": self.uuid(), "service_id": None, "location_id": None, "service_at_location_id": None, "valid_from": None,
               "valid_to": None, "dtstart": None, "timezone": None, "until": None, "count": None, "wkst": None, "freq": None,
               "interval": None, "byday": None, "byweekno": None, "bymonthday": None, "byyearday": None, "description": None,
               "opens_at": None, "closes_at": None, "schedule_link": None, "attending_type": None, "notes": None}
        row.update(owners)
        row.update(rule)
        if row["freq"] and not row["description"]:
            row["description"] = _hours_text(row)
        return row


def _age_text(ages) -> str:
    low, high = ages
    if high is None:
        return f"People {low} and older."
    return f"Ages {low} to {high}." if low else f"Children up to age {high}."


def _clock_text(text: str) -> str:
    hour, minute = int(text[:2]), int(text[3:5])
    if (hour, minute) == (12, 0):
        return "noon"
    if (hour, minute) == (0, 0):
        return "midnight"
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}:{minute:02d} {suffix}" if minute else f"{hour} {suffix}"


def _hours_text(row: dict) -> str:
    if row["opens_at"] == row["closes_at"]:
        return "Open 24 hours, every day"
    days, nth = hours_._byday(row["byday"])
    if nth:
        ordinal = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}[nth[0]]
        when = f"{ordinal} {DAY_NAMES[days[0]]} of the month"
    elif days == ("MO", "TU", "WE", "TH", "FR"):
        when = "Monday to Friday"
    elif len(days) == 7:
        when = "Every day"
    else:
        names = [DAY_NAMES[d] + "s" for d in days]
        when = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{when}, {_clock_text(row['opens_at'])} to {_clock_text(row['closes_at'])}"


def _zip_codes() -> list[dict]:
    """Standard ZIP codes of Cook County (Chicago and its suburbs), Chicago's counted three times."""
    import zipcodes

    found = [z for z in zipcodes.filter_by(state="IL") if z["zip_code_type"] == "STANDARD" and z["county"] == "Cook County"
             and z["lat"] and z["zip_code"][:3] in ("600", "601", "602", "603", "604", "606", "607", "608")]
    found.sort(key=lambda z: z["zip_code"])
    return [z for z in found for _ in range(3 if z["city"] == "Chicago" else 1)]


# ---------------------------------------------------------------------------------------------
# Output: an HSDS package, or search documents.

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_package(corpus: Corpus, out: Path) -> Counter:
    out.mkdir(parents=True, exist_ok=True)
    handles, writers, counts = {}, {}, Counter()
    try:
        for name, filename in FILES.items():
            header = _catalog_header(filename)
            handles[name] = (out / filename).open("w", newline="", encoding="utf-8")
            writers[name] = (csv.writer(handles[name], lineterminator="\n"), header)
            writers[name][0].writerow(header)
        for name in COPIED:
            writer, header = writers[name]
            for row in _catalog_rows(FILES[name]):
                writer.writerow([row.get(column, "") for column in header])
                counts[name] += 1
        for bundle in corpus.bundles():
            for name, rows in bundle.items():
                writer, header = writers[name]
                for row in rows:
                    writer.writerow([_cell(row.get(column)) for column in header])
                counts[name] += len(rows)
    finally:
        for handle in handles.values():
            handle.close()
    shutil.copy(CATALOG / "datapackage.json", out / "datapackage.json")
    return counts


def documents(corpus: Corpus):
    """The search documents of the corpus's searchable services, built by portal's own ServiceFacts.document."""
    for bundle in corpus.bundles():
        yield from bundle_documents(corpus, bundle)


def bundle_documents(corpus: Corpus, bundle: dict[str, list[dict]]):
    """Fill a ServiceFacts as ServiceFacts.load would from the database (same rows, same order), then let
    portal's own code make each document, so documents follow the portal's format as it changes.
    `--self-check` compares the result with documents loaded from a database that imported the package."""
    from portal.directory.search_documents import ServiceFacts

    def by_id(rows):
        return sorted(rows, key=lambda row: row["id"].hex)

    facts = ServiceFacts()
    facts.organizations = {row["id"]: SimpleNamespace(**row) for row in bundle["organization"]}
    locations = {row["id"]: SimpleNamespace(timezone=None, **row) for row in bundle["location"]}
    addresses = {}
    for row in by_id(bundle["address"]):
        if row["location_id"] not in addresses or row["address_type"] == "physical":
            addresses[row["location_id"]] = SimpleNamespace(**row)
    schedules: dict = {}
    for row in by_id(bundle["schedule"]):  # each schedule belongs to its most specific owner
        key = ("sal", row["service_at_location_id"]) if row["service_at_location_id"] else \
              ("location", row["location_id"]) if row["location_id"] else ("service", row["service_id"])
        schedules.setdefault(key, []).append(row)
    sals = [SimpleNamespace(**row) for row in by_id(bundle["service_at_location"])]
    for sal in sals:
        location = locations[sal.location_id]
        facts.places[sal.service_id].append((sal, location, addresses.get(location.id)))
        own = schedules.get(("sal", sal.id)) or schedules.get(("location", location.id)) or schedules.get(("service", sal.service_id), [])
        facts.hours[sal.service_id].append(hours_.from_schedules(own, location.timezone or ZONE))
    capacity = {row["link_id"]: row["value"] for row in bundle["attribute"] if row["taxonomy_term_id"] == CAPACITY_TERM}
    services = [SimpleNamespace(capacity_status=capacity.get(row["id"]), **row) for row in bundle["service"]]
    for service in services:
        if not facts.places[service.id] and schedules.get(("service", service.id)):
            facts.hours[service.id].append(hours_.from_schedules(schedules[("service", service.id)], ZONE))
    for row in by_id(bundle["language"]):
        facts.languages[row["service_id"]].append(SimpleNamespace(**row))
    for row in by_id(bundle["cost_option"]):
        facts.costs[row["service_id"]].append(SimpleNamespace(**row))
    terms_by_id = {term.id: term for term in corpus.terms.values()}
    linked = [(row["link_id"], terms_by_id[row["taxonomy_term_id"]]) for row in bundle["attribute"]
              if row["link_entity"] == "service" and row["taxonomy_term_id"] in terms_by_id]
    for service_id, term in sorted(linked, key=lambda pair: pair[1].name):
        facts.categories[service_id].append(term)
    # Phones, as ServiceFacts._load_phones: the service's own, its places', its locations' and its organisation's.
    owners: dict = {}
    for service in services:
        owners.setdefault(("service", service.id), []).append(service.id)
        owners.setdefault(("organization", service.organization_id), []).append(service.id)
    for sal in sals:
        owners.setdefault(("sal", sal.id), []).append(sal.service_id)
        owners.setdefault(("location", sal.location_id), []).append(sal.service_id)
    phones = [SimpleNamespace(**row) for row in by_id(bundle["phone"])]
    belongs = {
        "service": lambda p: p.service_id is not None, "sal": lambda p: p.service_at_location_id is not None,
        "location": lambda p: p.service_id is None and p.service_at_location_id is None and p.location_id is not None,
        "organization": lambda p: p.service_id is None and p.service_at_location_id is None and p.location_id is None,
    }
    seen = set()
    for kind, column in (("service", "service_id"), ("sal", "service_at_location_id"), ("location", "location_id"), ("organization", "organization_id")):
        for phone in phones:
            if not belongs[kind](phone):
                continue
            for service_id in owners.get((kind, getattr(phone, column)), ()):
                if (service_id, phone.id) not in seen:
                    seen.add((service_id, phone.id))
                    facts.phones[service_id].append(phone)
    for service in services:
        if service.status in SEARCHABLE_STATUSES:
            yield facts.document(service)


def write_documents(corpus: Corpus, out: Path) -> tuple[int, Counter]:
    out.parent.mkdir(parents=True, exist_ok=True)
    count, words = 0, Counter()
    with out.open("w", encoding="utf-8") as handle:
        for document in documents(corpus):
            handle.write(json.dumps(document, separators=(",", ":")) + "\n")
            count += 1
            text = f"{document['title']} {document['body']}".lower()
            words.update(w for w in ("help", "free", "food", "chicago", "comida", "ayuda") if re.search(rf"\b{w}\b", text))
    return count, words


KNOWN_DIFFERENCES = {"stored.phone", "stored.phone_type"}  # see the note self_check prints


def _flat(document: dict) -> dict:
    document = json.loads(json.dumps(document))
    stored = document.pop("stored", {})
    return {**document, **{f"stored.{key}": value for key, value in (stored.items() if isinstance(stored, dict) else [("", stored)])}}


def self_check(services: int, seed: int) -> int:
    """Import the package into a fresh SQLite database and compare its search documents with --documents-only's."""
    import os
    import subprocess
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="portal-corpus-check-"))
    try:
        write_package(Corpus(services, seed), folder / "package")
        env = {**os.environ, "PORTAL_ENV": "development", "PORTAL_DATA_DIR": str(folder)}
        env.pop("PORTAL_DATABASE_URL", None)
        portal = Path(sys.executable).parent / "portal"
        for command in (["migrate"], ["import-hsds", str(folder / "package")]):
            done = subprocess.run([portal, *command], env=env, capture_output=True, text=True)
            print(f"portal {command[0]}: {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]}")
            if done.returncode:
                print(done.stdout[-3000:])
                return 1
        os.environ.update({"PORTAL_ENV": "development", "PORTAL_DATA_DIR": str(folder)})
        from portal.database import Sessions, create_database_engine
        from portal.directory.search_documents import all_ids, load_documents
        from portal.settings import settings_from_env

        settings = settings_from_env()
        engine = create_database_engine(settings)
        with Sessions(engine)() as db:
            ids = all_ids(db)
            loaded = {}
            for start in range(0, len(ids), 500):
                loaded.update(load_documents(db, ids[start:start + 500], settings.timezone))
        engine.dispose()
        mine = {doc["id"]: _flat(doc) for doc in documents(Corpus(services, seed))}
        loaded = {doc_id: _flat(doc) for doc_id, doc in loaded.items()}
        fields = sorted({key for doc in loaded.values() for key in doc})
        differing = {key: [i for i, doc in loaded.items() if doc.get(key) != mine.get(i, {}).get(key)] for key in fields}
        print(f"self-check: {len(loaded)} documents from the database, {len(mine)} from --documents-only"
              + ("" if set(loaded) == set(mine) else "; the sets of ids differ"))
        for key, ids_ in differing.items():
            if ids_:
                print(f"  {key}: {len(ids_)} differ, e.g. {ids_[0]}: database {str(loaded[ids_[0]][key])[:120]!r}, ours {str(mine[ids_[0]].get(key))[:120]!r}")
        bad = [key for key, ids_ in differing.items() if ids_ and key not in KNOWN_DIFFERENCES]
        if differing.get("stored.phone"):
            print("  (stored.phone: ServiceFacts._load_phones gives a service the phone of another location or service of its"
                  " organisation when both are loaded in the same batch, through the phone's organization_id; ours gives"
                  " the service's own, its places', then the organisation's own line)")
        print("self-check " + ("passed" if not bad and set(loaded) == set(mine) else f"FAILED on {', '.join(bad)}"))
        return 0 if not bad and set(loaded) == set(mine) else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--documents-only", action="store_true", help="write search documents (JSONL) instead of an HSDS package")
    parser.add_argument("--self-check", action="store_true",
                        help="import the package into a temporary database and check --documents-only gives the same documents")
    args = parser.parse_args()
    if args.self_check:
        return self_check(args.services, args.seed)
    if args.out is None:
        parser.error("--out is required")
    started = time.perf_counter()
    corpus = Corpus(args.services, args.seed)
    if args.documents_only:
        count, words = write_documents(corpus, args.out)
        print(f"{count} search documents (of {args.services} services; inactive ones are not searchable) -> {args.out}")
        print("listings with: " + ", ".join(f"{w} {100 * n / max(1, count):.0f}%" for w, n in words.most_common()))
    else:
        counts = write_package(corpus, args.out)
        for name, filename in FILES.items():
            print(f"  {filename:<32}{counts[name]:>9}")
        print(f"HSDS package of {counts['service']} services, {counts['organization']} organisations, {counts['location']} locations -> {args.out}")
    print(f"took {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
