"""The staff area's words, in Italian and English (``(it, en)`` per key)."""

from __future__ import annotations

from functools import cache

LANGS = ("it", "en")

STAFF: dict[str, tuple[str, str]] = {
    "area": ("Area riservata", "Staff area"),
    "signin_title": ("Accesso all'area riservata", "Sign in to the staff area"),
    "signin_intro": ("Qui il personale della Camera aggiunge dati al grafo: carica un foglio, lo "
                     "controlla, vede in anteprima che cosa cambierebbe e lo pubblica.",
                     "Here the Chamber's staff add data to the graph: upload a sheet, check it, "
                     "preview what would change, and publish it."),
    "user": ("Nome utente", "User name"),
    "password": ("Password", "Password"),
    "signin": ("Accedi", "Sign in"),
    "signout": ("Esci", "Sign out"),
    "signed_in_as": ("Accesso come", "Signed in as"),
    "bad_credentials": ("Nome utente o password non corretti.", "Wrong user name or password."),
    "too_many": ("Troppi accessi non riusciti: riprovare fra {minutes} minuti.",
                 "Too many failed sign-ins: try again in {minutes} minutes."),
    "please_signin": ("Accedere per continuare.", "Sign in to continue."),
    "upload_title": ("Carica un foglio", "Upload a sheet"),
    "upload_intro": ("Un foglio .xlsx o .csv per tipo, come con cisem-graph import: ogni riga e "
                     "ogni regola dei dati vengono controllate, e nulla è pubblicato finché non si "
                     "sceglie di pubblicarlo.",
                     "One .xlsx or .csv sheet of one kind, as with cisem-graph import: every row and "
                     "every rule of the data are checked, and nothing is published until you choose "
                     "to publish it."),
    "kind": ("Tipo di righe", "Kind of rows"),
    "file": ("File", "File"),
    "check": ("Controlla", "Check"),
    "limit": ("Al massimo {mb} MB. I file .xlsm (con macro) non sono accettati.",
              "At most {mb} MB. .xlsm files (with macros) are not accepted."),
    "templates": ("Modelli", "Templates"),
    "templates_intro": ("Un modello per tipo, con una riga d'esempio inventata da sostituire.",
                        "One template per kind, with a made-up example row to replace."),
    "history": ("Cronologia", "History"),
    "last_job": ("Ultima pubblicazione", "Last publish"),
    "problems_title": ("Il file non si può importare", "The file cannot be imported"),
    "problems_intro": ("Nulla è stato scritto. Correggere il foglio e caricarlo di nuovo.",
                       "Nothing was written. Correct the sheet and upload it again."),
    "row": ("Riga", "Row"),
    "column": ("Colonna", "Column"),
    "value": ("Valore", "Value"),
    "rule": ("Regola", "Rule"),
    "message": ("Che cosa fare", "What to do"),
    "severity": ("Gravità", "Severity"),
    "error": ("errore", "error"),
    "warning": ("avviso", "warning"),
    "warnings": ("Avvisi (non bloccano)", "Warnings (they do not block)"),
    "checked_title": ("Foglio controllato: {name}", "Sheet checked: {name}"),
    "checked_ok": ("Il foglio rispetta tutte le regole. Non è ancora pubblicato.",
                   "The sheet follows every rule. It is not published yet."),
    "rows": ("Righe", "Rows"),
    "read_as": ("Letto come", "Read as"),
    "writes": ("Scriverà", "Will write"),
    "uploaded_by": ("Caricato da", "Uploaded by"),
    "created": ("Nuove risorse", "New things"),
    "extended": ("Risorse arricchite", "Things added to"),
    "formulas": ("Le formule sono lette con il valore salvato da Excel, mai ricalcolate: {n} "
                 "celle con formule.",
                 "Formulas are read as the values Excel saved, never computed: {n} cells with "
                 "formulas."),
    "formulas_none": ("Le formule sarebbero lette con il valore salvato da Excel, mai ricalcolate; "
                      "questo foglio non ne ha.",
                      "Formulas would be read as the values Excel saved, never computed; this sheet "
                      "has none."),
    "formulas_unsaved": ("{n} formule non hanno un valore salvato (il file non è stato aperto e "
                         "salvato in Excel) e sono lette come celle vuote.",
                         "{n} formulas have no saved value (the file was never opened and saved in "
                         "Excel) and read as empty cells."),
    "no_changes": ("Questo file è già stato importato: non c'è nulla da pubblicare.",
                   "This file was imported already: there is nothing to publish."),
    "preview": ("Anteprima", "Preview"),
    "make_preview": ("Mostra l'anteprima", "Show the preview"),
    "publish": ("Pubblica", "Publish"),
    "discard": ("Scarta", "Discard"),
    "preview_title": ("Anteprima: {name}", "Preview: {name}"),
    "preview_intro": ("Che cosa cambierebbe pubblicando questo foglio, rispetto alla versione in "
                      "linea ({version}). Nulla è ancora pubblicato.",
                      "What publishing this sheet would change, against the version being served "
                      "({version}). Nothing is published yet."),
    "preview_refused": ("L'anteprima non si può costruire: i dati con questo file non sono "
                        "conformi.", "The preview cannot be built: the data with this file does "
                        "not conform."),
    "pages": ("Le pagine nuove o cambiate", "The new or changed pages"),
    "statements": ("Affermazioni per grafo", "Statements by graph"),
    "added": ("aggiunte", "added"),
    "removed": ("tolte", "removed"),
    "more": ("e altre {n}", "and {n} more"),
    "preview_banner": ("Anteprima: questa pagina non è pubblicata.",
                       "Preview: this page is not published."),
    "back_to_preview": ("Torna all'anteprima", "Back to the preview"),
    "job_title": ("Pubblicazione: {label}", "Publish: {label}"),
    "undo_title": ("Annullamento: {label}", "Undo: {label}"),
    "running": ("In corso…", "Running…"),
    "done": ("Fatto", "Done"),
    "failed": ("Non riuscito", "Failed"),
    "step_check": ("controllo", "check"),
    "step_write": ("scrittura in data/", "write to data/"),
    "step_build": ("costruzione e validazione", "build and validate"),
    "step_push": ("invio al triplestore", "push to the store"),
    "step_switch": ("passaggio alla nuova versione", "switch to the new version"),
    "step_record": ("registrazione nella cronologia", "record in the history"),
    "version": ("Versione", "Version"),
    "served": ("in linea", "served"),
    "commit": ("Commit", "Commit"),
    "not_committed": ("Non registrato in git: {why}", "Not committed to git: {why}"),
    "see_page": ("Vedi la pagina pubblicata", "See the published page"),
    "findings": ("Regole violate", "Rules broken"),
    "subject": ("Risorsa", "Thing"),
    "property": ("Proprietà", "Property"),
    "history_intro": ("Le importazioni pubblicate da qui e le versioni che hanno prodotto. "
                      "Annullare rimette il file di dati com'era e pubblica di nuovo, con gli "
                      "stessi controlli.", "The imports published from here and the versions they "
                      "made. Undo puts the data file back as it was and publishes again, through "
                      "the same checks."),
    "when": ("Quando", "When"),
    "who": ("Chi", "Who"),
    "what": ("Che cosa", "What"),
    "action_publish": ("pubblicazione", "publish"),
    "action_undo": ("annullamento", "undo"),
    "undo": ("Annulla", "Undo"),
    "undone": ("annullata", "undone"),
    "versions": ("Versioni", "Versions"),
    "nothing_yet": ("Nessuna pubblicazione ancora.", "Nothing published yet."),
    "refused": ("Richiesta rifiutata", "Request refused"),
    "checking": ("Controllo del foglio in corso…", "Checking the sheet…"),
    "building": ("Costruzione dell'anteprima in corso…", "Building the preview…"),
    "working_note": ("Questa pagina si aggiorna da sola finché il lavoro non è finito.",
                     "This page refreshes itself until the work is done."),
    "back": ("Torna all'area riservata", "Back to the staff area"),
}


@cache
def staff_words(lang: str) -> dict[str, str]:
    index = LANGS.index(lang)
    return {key: pair[index] for key, pair in STAFF.items()}
