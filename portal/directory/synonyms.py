"""Words people use for the same help, in English and Spanish, so any of them finds the listing.

Each group is a set of equals: searching any member finds listings that use any other. Keep
groups narrow: a member that is too general ("help") would make every search find everything.
"""

from __future__ import annotations

from functools import cache

from portal.search.query import Synonyms

GROUPS = [
    ["snap", "food stamps", "link card", "ebt", "calfresh", "cupones de alimentos", "estampillas de comida"],
    ["food", "comida", "alimentos", "groceries", "viveres", "abarrotes"],
    ["food pantry", "pantry", "despensa", "despensa de alimentos", "banco de comida", "food bank", "banco de alimentos"],
    ["meal", "meals", "comidas", "hot meal", "comida caliente", "soup kitchen", "comedor"],
    ["wic", "mujeres bebes y ninos"],
    ["shelter", "albergue", "refugio", "emergency housing"],
    ["housing", "vivienda", "apartment", "apartamento"],
    ["rent", "renta", "alquiler", "rental assistance", "ayuda con la renta"],
    ["eviction", "desalojo", "desahucio"],
    ["utility", "utilities", "light bill", "electric bill", "gas bill", "servicios publicos", "factura de luz", "liheap"],
    ["doctor", "medico", "physician", "clinic", "clinica", "health center", "centro de salud"],
    ["dentist", "dental", "dentista", "teeth", "dientes"],
    ["medicine", "medicina", "medication", "medicamentos", "prescription", "receta", "pharmacy", "farmacia"],
    ["mental health", "salud mental", "counseling", "counselling", "consejeria", "therapy", "terapia"],
    ["addiction", "substance use", "adiccion", "drugs", "drogas", "alcohol", "recovery", "recuperacion"],
    ["lawyer", "attorney", "abogado", "legal aid", "ayuda legal", "asesoria legal"],
    ["immigration", "inmigracion", "immigrant", "inmigrante", "citizenship", "ciudadania", "daca"],
    ["job", "jobs", "trabajo", "empleo", "employment"],
    ["english class", "esl", "clases de ingles", "english classes"],
    ["ged", "high school equivalency", "diploma"],
    ["ride", "rides", "transportation", "transporte", "bus", "autobus", "viaje"],
    ["diapers", "panales", "diaper"],
    ["clothes", "clothing", "ropa", "coats", "abrigos"],
    ["child care", "childcare", "daycare", "guarderia", "cuidado infantil", "cuidado de ninos"],
    ["seniors", "senior", "older adults", "adultos mayores", "personas mayores", "tercera edad", "elderly"],
    ["taxes", "tax", "impuestos", "tax preparation", "preparacion de impuestos", "vita"],
    ["insurance", "seguro", "seguro medico", "medicaid", "medicare", "health insurance", "aseguranza"],
    ["domestic violence", "violencia domestica", "abuse", "abuso", "safe place"],
    ["disability", "disabilities", "discapacidad", "disabled"],
    ["youth", "teens", "jovenes", "adolescentes", "young adults"],
    ["pregnant", "pregnancy", "embarazada", "embarazo", "prenatal"],
]


@cache
def directory_synonyms() -> Synonyms:
    return Synonyms.from_groups(GROUPS)
