your-session-has-ended-please-sign = Votre session a pris fin : veuillez vous reconnecter.
you-do-not-have-permission-to = Vous n’avez pas l’autorisation de voir cette page.
there-is-nothing-at-this-address = Il n’y a rien à cette adresse.
something-went-wrong-on-the-server = Une erreur s’est produite sur le serveur ; veuillez réessayer.
customers = Clients
show-the-console-in-french = Afficher la console en anglais
loading = Chargement…
sign-in = Se connecter
skip-to-content = Aller au contenu
search = Rechercher
search-placeholder = Rechercher… ( / )
sign-out = Se déconnecter
main = Principale
overview = Vue d’ensemble
licences = Licences
orders = Commandes
events = Événements
stuck-work = Travaux bloqués
offerings = Offres
exchanges = Échanges
audit-log = Journal d’audit
administration = Administration
credentials = Identifiants API
orange-settings = Réglages Orange
delivery-settings = Réglages d’envoi
api-reference = Référence de l’API
operators = Opérateurs
keyboard-shortcuts = Raccourcis clavier
the-start-date-is-not-a = La date de début n’est pas une date (AAAA-MM-JJ).
the-end-date-is-not-a = La date de fin n’est pas une date (AAAA-MM-JJ).
the-start-date-is-after-the = La date de début est postérieure à la date de fin.
who-did-what-to-which-object = Qui a fait quoi, sur quel objet et quand : chaque action de la console, de la ligne de commande et d’Orange, avec ce qu’elle a modifié.
actor = Auteur
username-id-orange-cli = identifiant, id, orange, cli…
action = Action
object-type = Type d’objet
object-id = Id de l’objet
from = Du
to = Au
filter = Filtrer
clear = Effacer
audit-filter-help = Les dates sont des jours UTC, bornes incluses. L’auteur est l’identifiant ou l’id d’un opérateur, l’id d’un identifiant API, ou un type : orange, cli, system.
no-older-entries = Aucune entrée plus ancienne.
the-audit-log-is-empty = Le journal d’audit est vide.
no-entry-matches-these-filters = Aucune entrée ne correspond à ces filtres.
date = Date
object = Objet
changes = Modifications
pages = Pages
newest-f = Les plus récentes
older-entries = Entrées plus anciennes
no-recorded-change = Aucune modification enregistrée
request-technical = Requête
field = Champ
before = Avant
after = Après
value = (valeur)
end-users = Utilisateurs finaux
preview = Aperçu
applying = En cours
bulk-file-applied = Appliqué
discarded = Abandonné
ready = Prête
nothing-to-do = Rien à faire
problem = Problème
bulk-line-applied = Appliquée
refused = Refusée
not-a-valid-value = Valeur non valide.
no-licence-given-the-licence-column = Aucune licence : la colonne licence est vide.
no-licence-has-this-id-or = Aucune licence n’a cet identifiant technique ni cet identifiant de connexion.
the-licence-is-terminated-and-can = La licence est résiliée et ne peut plus changer.
orange-operation-in-progress = Une opération d’Orange est en cours sur cette licence ; renvoyez cette ligne une fois terminée.
unknown-resource-type-use-msisdn-imei = Type de ressource inconnu : utilisez msisdn, imei, email ou url.
the-licence-has-no-realizing-resource = La licence n’a pas de ressource de ce type.
the-licence-has-several-realizing-resources = La licence a plusieurs ressources : indiquez laquelle dans la colonne type.
the-given-name-is-required = Le prénom est obligatoire.
the-family-name-is-required = Le nom de famille est obligatoire.
the-e-mail-address-is-not = L’adresse e-mail n’est pas valide.
the-mobile-number-needs-both-a = Le mobile demande un indicatif (1 à 3 chiffres) et un numéro (14 chiffres au plus), ou aucun des deux.
nothing-to-change-that-is-already = Rien à changer : c’est déjà la valeur actuelle.
no-value-given-the-line-is = Aucune valeur : la ligne est ignorée.
bulk-changes = Modifications en masse
back-to-licences = ← Licences
replace-realizing-resources-or-assign-end = Remplacez des ressources ou affectez des utilisateurs finaux à de nombreuses licences d’un coup, depuis un fichier CSV. Le fichier est d’abord vérifié et rien ne change avant que vous ne l’appliquiez ; chaque modification part ensuite vers Orange dans son propre événement.
your-role-lets-you-look-at = Votre rôle permet de consulter les fichiers, pas de les envoyer ni de les appliquer.
csv-file = Fichier CSV
check-the-file = Vérifier le fichier
bulk-file = Fichier de modifications
back-to-bulk-changes = ← Modifications en masse
preview-nothing-has-changed-yet-check = Aperçu : rien n’a encore changé. Vérifiez les lignes ci-dessous, puis appliquez celles qui sont prêtes ou abandonnez le fichier.
progress = Avancement
which-lines = Quelles lignes
placeholder = provisoire
replace-realizing-resources = Remplacer des ressources
columns = Colonnes :{" "}
the-licence-is-its-id-lic = La licence est son identifiant technique (lic_…) ou son identifiant de connexion ; le type (msisdn, imei, email, url) peut rester vide si la licence n’a qu’une ressource. Virgules ou points-virgules ; les autres colonnes sont ignorées.
download-the-licences-still-waiting-for = Télécharger les licences qui attendent encore une vraie valeur
fill-in-the-value-column-and = {" "}(remplissez la colonne value et envoyez-le ici).
assign-end-users = Affecter des utilisateurs finaux
and-optionally = , et en option{" "}
a-licence-that-already-has-an = Une licence qui a déjà un utilisateur final reçoit le nouveau.
recent-files = Fichiers récents
no-file-uploaded-yet = Aucun fichier envoyé pour l’instant.
file = Fichier
bulk-line-changes = Modifie
state = État
lines = Lignes
uploaded = Envoyé
i-understand-nothing-of-this-file = Je comprends que rien de ce fichier ne sera appliqué
discard-the-file = Abandonner le fichier
no-line-is-ready-correct-the = Aucune ligne n’est prête : corrigez le fichier et envoyez-le à nouveau.
no-line-to-show-here = Aucune ligne à afficher ici.
line = Ligne
licence = Licence
resource = Ressource
end-user = Utilisateur final
status = Statut
next-lines = Lignes suivantes
api-credentials = Identifiants API
orange-authenticates-every-call-with-one = Orange authentifie chaque appel avec l’un d’eux, en{" "}
client-id-and-secret-or = {" "}(client id et secret) ou en{" "}
secret-several-may-be-active-at = {" "}(secret). Plusieurs peuvent être actifs en même temps, pour la rotation.
new-credential = Nouvel identifiant :{" "}
copy-the-secret-now-it-is = Copiez le secret maintenant : il n’est affiché qu’une seule fois. Fleetdesk n’en garde qu’une empreinte.
client-id = Client id
secret = Secret
orange-sends-either-header = Orange envoie l’un ou l’autre de ces en-têtes :
no-credential-yet-orange-cannot-call = Aucun identifiant pour l’instant : Orange ne peut pas appeler l’API tant que vous n’en avez pas émis.
label = Libellé
credential-created = Créé le
created-by = Créé par
last-used = Dernière utilisation
actions = Actions
active-m = actif
revoked = révoqué
revoke = Révoquer
i-understand-orange-can-no-longer = Je comprends qu’Orange ne pourra plus l’utiliser
command-line = ligne de commande
never = jamais
issue-a-credential = Émettre un identifiant
where-it-is-used-e-g = Où il sert, par exemple « Orange production 2026 ».
issue-credential = Émettre l’identifiant
customer = Client
back-to-customers = ← Clients
customer-id = Identifiant client
orange-reference = Référence Orange
legal-id = SIREN/SIRET
address = Adresse
login-prefix = Préfixe des identifiants
created = Créé
updated = Modifié
notes = Notes
no-note = Aucune note.
add-a-note = Ajouter une note
add-note = Ajouter la note
contacts = Contacts
no-contact = Aucun contact.
name = Nom
role = Rôle
e-mail = Courriel
mobile = Mobile
phone = Téléphone
fleets = Parcs
no-fleet-yet-no-licence-was = Aucun parc : aucune licence n’a été commandée.
fleet-productrefid = Parc (productRefId)
policy = Règle
licences-by-state = Licences par état
latest-orders = Dernières commandes
no-order = Aucune commande.
received = Reçue
order = Commande
every-customer-orange-has-created-through = Tous les clients créés par Orange au travers de l’API, avec leurs parcs et leurs licences.
name-cus-orange-reference-or-siren = Nom, cus_…, référence Orange ou SIREN/SIRET
sort = Tri
newest-first = Plus récents d’abord
export-csv = Exporter en CSV
the-name-matches-from-its-start = Le nom est cherché par son début, sans tenir compte des majuscules ; les identifiants, références Orange et SIREN/SIRET doivent être exacts. L’export contient tous les clients trouvés.
no-customer-matches-this-search = Aucun client ne correspond à cette recherche.
no-customer-yet = Aucun client pour l’instant.
newer = Plus récents
previous = Précédents
older-m = Plus anciens
next = Suivants
where-fleetdesk-sends-the-events-orange = Où et comment Fleetdesk envoie les événements dus à Orange : les ressources d’événements d’Orange, le jeton OAuth 2.0 (client credentials) qui authentifie chaque appel, et le calendrier des nouvelles tentatives.
not-configured-yet = Pas encore configuré.
events-wait-in-the-queue-until = {" "}Les événements attendent dans la file jusqu’à ce que les deux URL d’événements, l’URL du jeton, le client id et le secret soient renseignés.
configured-paused = Configuré, en pause.
nothing-is-sent-until-delivery-is = {" "}Rien n’est envoyé jusqu’à la reprise de l’envoi (ici ou sur la page des événements).
configured-and-running = Configuré et actif.
events-are-sent-as-soon-as = {" "}Les événements partent dès qu’ils sont dus.
set = (défini)
not-set = (non défini)
a-secret-is-stored-leave-the = Un secret est enregistré. Laissez le champ vide pour le garder ; saisissez-en un nouveau pour le remplacer. Si l’URL du jeton passe à un autre serveur (hôte, schéma ou port), saisissez de nouveau le secret.
no-secret-is-stored-yet = Aucun secret n’est encore enregistré.
oranges-event-resources = Ressources d’événements d’Orange
each-event-is-posted-to-the = Chaque événement est envoyé en POST à la ressource de son type.
productorder-events-url = URL des événements productOrder
for-productorderstatechangeevent = Pour productOrderStateChangeEvent.
userservice-events-url = URL des événements userService
for-userservicestatechangeevent-and-userserviceattributevaluechangeevent = Pour userServiceStateChangeEvent et userServiceAttributeValueChangeEvent.
oauth-2-0-client-credentials = Client OAuth 2.0 (client credentials)
fleetdesk-asks-the-token-url-for = Fleetdesk demande un jeton à l’URL du jeton (client id et secret en HTTP Basic), le garde jusqu’à peu avant son expiration et en redemande un sur une réponse 401.
token-url = URL du jeton
https-http-only-for-a-loopback = https:// (http:// seulement pour une adresse de bouclage : 127.0.0.1, ::1 ou localhost), comme pour les URL d’événements.
oauth-scope = Scope
optional-sent-only-when-set = Facultatif ; envoyé seulement s’il est renseigné.
client-secret = Secret du client
forget-the-stored-secret = Oublier le secret enregistré
sending = Envoi
request-timeout-seconds = Délai d’attente de la requête (secondes)
n-1-to-120-a-call-without = De 1 à 120. Un appel resté sans réponse passé ce délai compte comme un échec et sera retenté.
retry-schedule-seconds = Calendrier des nouvelles tentatives (secondes)
delays-before-each-retry-comma-separated = Délais avant chaque nouvelle tentative, séparés par des virgules ; après le dernier, l’événement passe en échec. Vide pour la valeur par défaut :{" "}
paused = En pause
nothing-is-sent-while-paused-events = Rien n’est envoyé pendant la pause ; les événements continuent de s’accumuler.
save-delivery-settings = Enregistrer les réglages d’envoi
event = Événement
back-to-events = ← Événements envoyés à Orange
none-m-paren = (aucun)
payload = Contenu
the-body-posted-to-orange-the = Le corps envoyé à Orange en POST, identique à chaque tentative.
every-event-with-this-reference = Tous les événements avec cette référence
none-no-orange-reference-caused-it = aucun (aucune référence Orange n’en est à l’origine)
every-event-about-this-resource = Tous les événements de cette ressource
oranges-calls-about-it = Les appels d’Orange la concernant
correlation-id = Correlation id
event-delivered = Envoyé
failed = En échec
next-attempt = Prochaine tentative
attempts = Tentatives
last-answer = Dernière réponse
last-error = Dernière erreur
i-understand-orange-receives-this-event = Je comprends qu’Orange recevra de nouveau cet événement (même eventId)
resend = Renvoyer
tries-now-instead-of-at-the = Tente l’envoi maintenant plutôt qu’à l’heure prévue.
retry-now = Réessayer maintenant
this-event-is-being-sent-right = Cet événement est en cours d’envoi ; le résultat s’affichera ici dans un instant.
no-attempt-yet = Aucune tentative pour l’instant.
delivery-timeline = Historique des envois
event-delivered-lower = envoyé
will-retry = nouvel essai prévu
failed-lower = en échec
unknown = inconnu
no-answer = pas de réponse
attempt = Tentative{" "}
headers = En-têtes
body = Corps
response = Réponse
order-state-change = Changement d’état de commande
licence-state-change = Changement d’état de licence
licence-attribute-change = Changement d’attribut de licence
other-event = Autre événement
events-to-orange = Événements envoyés à Orange
every-event-fleetdesk-owes-orange-written = Chaque événement que Fleetdesk doit à Orange, écrit avec la modification qu’il décrit et envoyé jusqu’à ce qu’Orange l’ait reçu. Le même eventId est conservé d’une tentative et d’un renvoi à l’autre.
delivery-is-not-configured = L’envoi n’est pas configuré.
events-wait-here-until-oranges-event = {" "}Les événements attendent ici que les URL d’événements d’Orange, l’URL du jeton et le client soient renseignés.
configure-delivery = Configurer l’envoi
delivery-is-paused = L’envoi est en pause.
nothing-is-sent-to-orange-until = {" "}Rien n’est envoyé à Orange jusqu’à la reprise ; les événements continuent de s’accumuler.
resume-delivery = Reprendre l’envoi
delivery-is-running-due-events-go = L’envoi est actif : les événements dus partent dès qu’ils sont écrits.
delivery-is-not-paused-it-starts = L’envoi n’est pas en pause : il démarrera une fois configuré.
pause-delivery = Mettre l’envoi en pause
events-by-state = Événements par état
any-state = Tous les états
event-type = Type d’événement
any-type = Tous les types
ord-lic-or-orange-reference = ord_…, lic_… ou référence Orange
resend-matching = Renvoyer la sélection…
events-filter-help = Les dates sont des jours UTC, bornes incluses. La ressource est un id de commande ou de licence, ou la référence Orange de la commande ou de la tâche (correlation id).
no-older-events = Aucun événement plus ancien.
no-event-yet-orange-is-owed = Aucun événement pour l’instant : rien n’est dû à Orange.
no-event-matches-these-filters = Aucun événement ne correspond à ces filtres.
next-attempt-or-last-answer = Prochaine tentative ou dernière réponse
newest-m = Les plus récents
older-events = Événements plus anciens
next-try = Prochain essai
being-sent-now = En cours d’envoi
gave-up = Abandonné
ref = réf.
resend-events = Renvoyer des événements
all-events = Tous les événements
no-filter = {" "}(aucun filtre).
created-from = Créés à partir du
created-up-to = Créés jusqu’au
included = (inclus)
back-to-the-events = Retour aux événements
no-event-matches-this-filter-nothing = Aucun événement ne correspond à ce filtre : rien à renvoyer.
every-matching-event-is-being-sent = Tous les événements concernés sont en cours d’envoi : rien à renvoyer.
filter-noun = Filtre
this-will-resend = Seront renvoyés :{" "}
each-goes-back-to-pending-due = Chacun repasse en attente, dû immédiatement, avec le même eventId, pour qu’Orange puisse reconnaître un doublon. Les tentatives précédentes restent dans l’historique de chaque événement.
i-understand-orange-receives-these-events = Je comprends qu’Orange recevra de nouveau ces événements
cancel = Annuler
orange-exchange = Échange avec Orange
back-to-exchanges = ← Échanges avec Orange
credential = Identifiant API
duration = Durée
request-headers = En-têtes de la requête
request-body = Corps de la requête
empty = (vide)
response-body = Corps de la réponse
orange-exchanges = Échanges avec Orange
every-call-orange-made-on-the = Chaque appel d’Orange sur l’API, avec la réponse de Fleetdesk, tels qu’échangés (identifiants masqués).
errors-only = Erreurs uniquement
no-older-exchanges = Aucun échange plus ancien.
no-exchange-recorded-yet-orange-has = Aucun échange enregistré : Orange n’a pas encore appelé l’API.
no-exchange-matches-these-filters = Aucun échange ne correspond à ces filtres.
older-exchanges = Échanges plus anciens
fleet = Parc
opened-by-order = Ouvert par la commande
by-offering = Par offre
offering = Offre
licences-newest-first = Licences, les plus récentes d’abord
no-licence-here = Aucune licence ici.
login = Identifiant
licence-created = Créée
newest-f-short = Plus récentes
older-f = Plus anciennes
telephone-format-hint = Format international : + puis 8 à 15 chiffres, par ex. +33612345678.
n-15-digits-ending-with-a-valid = 15 chiffres terminés par une clé de Luhn valide, par ex. 490154203237518.
an-e-mail-address-e-g = Une adresse e-mail, par ex. jeanne.martin@example.fr.
an-http-or-https-address-e = Une adresse http:// ou https://, par ex. https://docs.example.fr/.
msisdn-mobile-number = MSISDN (numéro mobile)
imei-device = IMEI (appareil)
e-mail-address = Adresse e-mail
url = URL
end-user-assigned = Utilisateur final attribué
end-user-changed = Utilisateur final modifié
end-user-removed = Utilisateur final retiré
realizing-resource-replaced = Ressource remplacée
login-renewed = Identifiant renouvelé
state-changed-by-orange = État changé par Orange
terminated-by-orange = Résiliée par Orange
offering-changed-by-orange = Offre changée par Orange
attribute-change-event-for-orange = Événement de modification pour Orange
state-change-event-for-orange = Événement de changement d’état pour Orange
other = Autre
being-sent = en cours d’envoi
by = par
this-licence-is-terminated-it-is = Cette licence est résiliée : elle est conservée pour l’historique et ne peut plus changer.
licence-changes-wait-for-orange = Une opération d’Orange est en cours sur cette licence : les modifications attendent qu’elle se termine.
no-login-yet = (pas encore d’identifiant)
operation-in-progress = Opération en cours
login-created = Identifiant créé
last-update = Dernière modification
terminated = Résiliée
no-end-user-yet = Pas encore d’utilisateur final.
change-the-end-user = Modifier l’utilisateur final
assign-the-end-user = Attribuer l’utilisateur final
i-understand-the-licence-will-have = Je comprends que la licence n’aura plus d’utilisateur final et qu’Orange en sera informé
remove-the-end-user = Retirer l’utilisateur final
given-name = Prénom
family-name = Nom de famille
mobile-country-code-optional = Indicatif du mobile (facultatif)
mobile-number-optional = Numéro de mobile (facultatif)
erase-consent = Je comprends que les coordonnées de l’utilisateur final sont effacées de cette licence et de toutes les copies conservées, définitivement
erase-consent-no-notice = Je comprends que les coordonnées de l’utilisateur final sont effacées de cette licence et de toutes les copies conservées, définitivement, et qu’Orange apprend que la licence n’a plus d’utilisateur final
personal-data-gdpr = Données personnelles (RGPD)
on-the-end-users-request-everything = À la demande de l’utilisateur final : tout ce que Fleetdesk conserve à son sujet, ou son effacement. Les deux sont inscrits au journal d’audit.
export-as-json = Exporter en JSON
erase-the-personal-data = Effacer les données personnelles
this-offerings-licences-carry-no-realizing = Les licences de cette offre n’ont pas de ressource.
realizing-resources = Ressources de réalisation
new-value = Nouvelle valeur
replace = Remplacer
a-new-login-is-made-from = Un nouvel identifiant est créé à partir du format de l’offre et du prochain numéro du client ; l’ancien n’est plus celui de la licence.
i-understand-the-login-changes-and = Je comprends que l’identifiant change et qu’Orange en sera informé
renew-the-login = Renouveler l’identifiant
nothing-has-happened-to-this-licence = Rien n’est encore arrivé à cette licence.
timeline = Historique
a-well-formed-fake-value-until = Une valeur fictive bien formée, en attendant la vraie
bulk-changes-from-a-csv-file = Modifications en masse par fichier CSV
every-licence-orange-ordered-newest-first = Toutes les licences commandées par Orange, des plus récentes aux plus anciennes. Ouvrez-en une pour voir ses ressources et son historique, définir son utilisateur final, remplacer une valeur provisoire ou renouveler son identifiant.
login-or-e-mail = Identifiant ou e-mail
start-or-whole-or-lic = début ou entier, ou lic_…
any-offering = Toutes les offres
fleet-id = Id de la flotte
with-or-without = Avec ou sans
with-an-end-user = Avec utilisateur final
without-an-end-user = Sans utilisateur final
resources = Ressources
placeholder-or-real = Provisoires ou réelles
a-placeholder-left = Reste une valeur provisoire
all-real = Toutes réelles
no-older-licences = Aucune licence plus ancienne.
no-licence-yet-orange-has-ordered = Aucune licence pour l’instant : Orange n’en a commandé aucune.
no-licence-matches-these-filters = Aucune licence ne correspond à ces filtres.
customer-and-fleet = Client et flotte
older-licences = Licences plus anciennes
invalid-username-or-password = Identifiant ou mot de passe incorrect.
enter-your-username-and-password = Saisissez votre identifiant et votre mot de passe.
too-many-sign-ins-at-once = Trop de connexions en même temps ; réessayez dans un instant.
sign-in-is-unavailable-right-now = La connexion est indisponible pour le moment ; réessayez dans un instant.
sign-in-title = Connexion
sign-in-to-fleetdesk = Connexion à Fleetdesk
partner-back-office-for-orange-business = Back-office partenaire d’Orange Business Applications France.
you-have-been-signed-out = Vous êtes déconnecté.
username = Identifiant
password = Mot de passe
page-not-found = Page introuvable
back-to-the-overview = Retour à la vue d’ensemble
edit-offering = Modifier l’offre
back-to-offerings = ← Offres
retire = Retirer
a-retired-offering-cannot-be-ordered = Une offre retirée ne peut plus être commandée ; ses licences restent telles quelles.
bring-back = Rétablir
this-offering-is-retired-orange-cannot = Cette offre est retirée : Orange ne peut pas la commander tant qu’elle n’est pas rétablie.
save-changes = Enregistrer
availability = Disponibilité
none-f = Aucune
mobile-number-msisdn = Numéro de mobile (MSISDN)
device-imei = Appareil (IMEI)
one-per-licence = Une par licence
one-per-customer-shared = Une par client (partagée)
per-licence = par licence
per-customer = par client
orange-orders-licences-by-offer-code = Orange commande des licences par code d’offre ; chaque code correspond à l’une de ces offres, qui indique la ressource de réalisation portée par ses licences et la forme de leurs identifiants.
the-catalogue-is-empty-oranges-orders = Le catalogue est vide : les commandes d’Orange sont refusées tant que leur code d’offre n’y figure pas.
offer-code = Code d’offre
scope-of-resource = Portée
login-format = Format d’identifiant
active-f = active
retired = retirée
edit = Modifier
oranges-code-e-g-offer-pro = Le code d’Orange, par exemple OFFER-PRO-M.
realizing-resource = Ressource de réalisation
resource-scope = Portée de la ressource
placeholders-customer-offer-seq-or-seq = Variables : {"{"}customer{"}"}, {"{"}offer{"}"}, {"{"}seq{"}"} ou {"{"}seq:N{"}"} ; {"{"}customer{"}"} et {"{"}seq{"}"} sont obligatoires. Vide :{" "}
add-offering = Ajouter une offre
import-a-catalogue = Importer un catalogue
offerings-import-help = Un fichier CSV en UTF-8 avec une ligne d’en-tête. Les codes d’offre existants sont mis à jour, les nouveaux ajoutés. Si une ligne est erronée, rien n’est importé et chaque ligne erronée est signalée.
column = Colonne
content = Contenu
oranges-offer-code-without-spaces-required = Le code d’offre d’Orange, sans espaces (obligatoire).
the-offerings-name-required = Le nom de l’offre (obligatoire).
none-msisdn-imei-email-or-url = none, msisdn, imei, email ou url (obligatoire).
per-licence-or-per-customer-empty = per_licence ou per_customer ; vide équivaut à per_licence.
optional-empty-means = Facultatif ; vide équivaut à{" "}
example = Exemple :
import-csv = Importer le CSV
admin = administrateur
operator = opérateur
support = support
last-sign-in = Dernière connexion
disable = Désactiver
enable = Réactiver
disabled = désactivé
role-password = Rôle, mot de passe…
new-role = Nouveau rôle
i-understand-the-new-role-applies = Je comprends : le nouveau rôle s’applique immédiatement.
change-role = Changer le rôle
new-password = Nouveau mot de passe
at-least-12-characters-tell-the = Au moins 12 caractères. Transmettez-le à l’opérateur par un canal sûr.
i-understand-the-operator-is-signed = Je comprends : l’opérateur est déconnecté partout.
reset-password = Réinitialiser le mot de passe
add-operator = Ajouter un opérateur
display-name = Nom affiché
at-least-12-characters = Au moins 12 caractères.
orange-api-settings = Réglages de l’API Orange
last-purge = Dernière purge{" "}
no-purge-has-run-yet = Aucune purge n’a encore tourné.
answer-mode = Mode de réponse
synchronous-the-answer-carries-the-result = Synchrone : la réponse porte le résultat. Asynchrone : la réponse indique{" "}
and-the-result-follows-as-an = {" "}et le résultat suit sous forme d’événement. Les erreurs de validation sont toujours signalées immédiatement.
synchronous = Synchrone
asynchronous = Asynchrone
fleet-policy = Politique de flotte
how-ordered-licences-are-grouped-into = Comment les licences commandées sont regroupées en flottes (productRefIds).
retention = Conservation
how-long-the-records-that-grow = Combien de temps sont gardés les enregistrements qui s’accumulent, en jours (de 1 à 3650). Une purge tourne en arrière-plan toutes les 10 minutes.
raw-orange-exchanges = Échanges bruts avec Orange
older-exchanges-are-deleted = Les échanges plus anciens sont supprimés.
delivery-attempts = Tentatives d’envoi
older-attempts-of-delivered-or-failed = Les tentatives plus anciennes des événements envoyés ou en échec sont supprimées ; les événements restent.
audit-details = Détails d’audit
older-audit-entries-lose-their-before = Les entrées d’audit plus anciennes perdent leur avant/après ; qui a fait quoi, et quand, reste.
save-settings = Enregistrer les réglages
customer-creation = Création de client
a-productorder-without-order-items = Un productOrder sans lignes de commande.
licence-order = Commande de licences
a-productorder-with-order-items = Un productOrder avec des lignes de commande.
state-change = Changement d’état
suspending-or-reactivating-a-licence = Suspendre ou réactiver une licence.
deletion = Suppression
terminating-a-licence = Résilier une licence.
offering-change = Changement d’offre
moving-a-licence-to-another-offering = Passer une licence sur une autre offre.
per-customer-title = Par client
every-order-of-a-customer-goes = Toutes les commandes d’un client vont dans l’unique flotte du client.
per-order = Par commande
each-order-opens-a-new-fleet = Chaque commande ouvre une nouvelle flotte, sauf si elle désigne une flotte existante du client.
per-offering = Par offre
one-fleet-per-customer-and-offer = Une flotte par client et par code d’offre.
back-to-orders = ← Commandes
acknowledged = Accusée
completed = Terminée
answered = Réponse
at-once-synchronous = immédiate (synchrone)
later-by-an-event-asynchronous = plus tard, par un événement (asynchrone)
category = Catégorie
order-date = Date de commande
requested-start = Début souhaité
failure = Échec
request-id = Identifiant de requête
licences-created = Licences créées
items = Lignes
none-this-order-created-the-customer = Aucune : cette commande a seulement créé le client.
quantity = Quantité
none-f-dot = Aucune.
as-recorded-on = Tel qu’enregistré le
the-full-exchange = l’échange complet
the-raw-exchange-is-no-longer = L’échange brut n’est plus conservé (sa durée de conservation est passée) ; voici la copie que Fleetdesk garde avec la demande.
oranges-request-and-fleetdesks-answer = Demande d’Orange et réponse de Fleetdesk
request = Demande
answer = Réponse
none-f-paren = (aucune)
events-to-orange-heading = Événements vers Orange
none-m-dot = Aucun.
about = Objet
nothing-recorded = Rien d’enregistré.
when = Quand
who = Qui
what = Quoi
by-state = Par état
all = Toutes
tasks = Tâches
no-order-here = Aucune commande ici.
totals = Totaux
placeholders-to-replace = Ressources provisoires à remplacer
delivered-to-orange-24-h = Remis à Orange (24 h)
orders-from-orange = Commandes d’Orange
tasks-from-orange = Tâches d’Orange
team = Équipe
active-operators = Opérateurs actifs
disabled-operators = Opérateurs désactivés
recent-activity = Activité récente
nothing-has-happened-yet = Rien ne s’est encore passé.
version = version
download-the-openapi-document-json = Télécharger le document OpenAPI (JSON)
no-operations-documented = Aucune opération documentée.
parameters = Paramètres
in = Emplacement
type = Type
required = Obligatoire
description = Description
yes = oui
no = non
required-suffix = , obligatoire
responses = Réponses
task = Tâche
id = identifiant
orange-reference-lower = référence Orange
name-lower = nom
login-lower = login
end-user-lower = utilisateur final
realizing-resource-lower = ressource de réalisation
search-page-title = Recherche
find = Rechercher
id-orange-reference-name-login-e = Identifiant, référence Orange, nom, login, e-mail, numéro…
searching = Recherche…
type-at-least-two-characters-an = Saisissez au moins deux caractères : un identifiant (cus_…, lic_…, ord_…), une référence Orange, un nom de client, un login, le nom ou l’e-mail d’un utilisateur final, ou une ressource de réalisation comme un numéro de téléphone.
orders-and-tasks-from-orange-that = Les commandes et tâches d’Orange qui attendent depuis trop longtemps, et les événements qu’Orange n’a pas reçus. Terminez ou mettez en échec le travail, ou renvoyez l’événement.
nothing-is-stuck = Rien n’est bloqué.
since = Depuis
why = Pourquoi
waiting-to-be-sent = En attente d’envoi
acknowledged-to-orange-but-not-completed = Accusée auprès d’Orange mais pas terminée
i-understand = Je comprends
complete-now = Terminer maintenant
error-code = Code d’erreur
message-for-orange = Message pour Orange
fail = Mettre en échec
when-is-work-stuck = Quand un travail est-il bloqué ?
orders-after-minutes = Commandes, après (minutes)
tasks-after-minutes = Tâches, après (minutes)
waiting-events-after-minutes = Événements en attente, après (minutes)
save-thresholds = Enregistrer les seuils
back-to-tasks = ← Tâches
unknown-licence = licence inconnue
done-lower = faite
task-failed = échouée
waiting = en attente
a-single-licence-change-answered-later = une modification d’une licence, répondue plus tard
a-bulk-task = une tâche groupée
only-the-first-items-are-shown = Seules les premières lignes sont affichées :
origin = Origine
later-by-events-asynchronous = plus tard, par des événements (asynchrone)
result = Résultat
task-done = Traitée
no-task-here = Aucune tâche ici.
fleetdesk-cannot-use-its-database-right = Fleetdesk ne peut pas utiliser sa base de données pour le moment
the-database-does-not-answer-or = La base de données ne répond pas, ou son disque est plein ou en lecture seule. Rien n’a été modifié. Le service reprend de lui-même dès que la base de données est à nouveau utilisable.
try-again = Réessayer
the-file-has-no-lines-of = Le fichier n’a aucune ligne de modification sous son en-tête.
the-file-could-not-be-checked = Le fichier n’a pas pu être vérifié ; veuillez réessayer.
choose-what-the-file-changes = Choisissez ce que le fichier modifie.
file-checked-nothing-has-changed-yet = Fichier vérifié. Rien n’a encore changé : regardez chaque ligne, puis appliquez ou abandonnez.
no-such-file = Fichier introuvable.
this-file-is-no-longer-a = Ce fichier n’est plus un aperçu : il a déjà été appliqué ou abandonné.
no-line-of-this-file-is = Aucune ligne de ce fichier n’est prête ; corrigez le fichier et envoyez-le à nouveau.
tick-i-understand-to-apply-the = Cochez « Je comprends » pour appliquer le fichier.
tick-i-understand-to-discard-the = Cochez « Je comprends » pour abandonner le fichier.
file-discarded-none-of-its-lines = Fichier abandonné : aucune de ses lignes ne sera appliquée.
the-label-must-be-1-to = Le libellé doit compter 1 à 100 caractères.
no-such-credential = Identifiant introuvable.
the-form-could-not-be-read = Le formulaire n’a pas pu être lu ; veuillez réessayer.
write-a-note-of-1-to = Écrivez une note de 1 à 4 000 caractères.
note-added = Note ajoutée.
no-such-customer = Ce client n’existe pas.
the-note-could-not-be-saved = La note n’a pas pu être enregistrée ; veuillez réessayer.
is-not-a-url = n’est pas une URL.
must-start-with-https-http-only = doit commencer par https:// (http:// seulement pour une adresse de bouclage : 127.0.0.1, ::1 ou localhost).
the-token-url-now-points-to = L’URL du jeton désigne maintenant un autre serveur (hôte, schéma ou port) : saisissez de nouveau le secret du client, pour que le secret enregistré n’y soit jamais envoyé.
the-timeout-is-a-whole-number = Le délai d’attente est un nombre entier de secondes, de 1 à 120.
the-retry-schedule-is-a-comma = Le calendrier des nouvelles tentatives est une liste de secondes entières séparées par des virgules, par exemple 30, 120, 600.
delivery-settings-saved = Réglages d’envoi enregistrés.
delivery-settings-saved-delivery-is-not = Réglages d’envoi enregistrés. L’envoi n’est pas encore configuré : les deux URL d’événements, l’URL du jeton, le client id et le secret sont nécessaires.
the-delivery-settings-were-not-saved = Les réglages d’envoi n’ont pas été enregistrés :
delivery-paused-nothing-is-sent-to = Envoi en pause : rien n’est envoyé à Orange jusqu’à la reprise.
delivery-resumed-due-events-go-out = Envoi repris : les événements dus partent maintenant.
delivery-resumed-it-is-not-configured = Envoi repris. Il n’est pas encore configuré : les événements continuent d’attendre.
delivery-is-paused-it-goes-out = {" "}L’envoi est en pause : il partira à la reprise.
delivery-is-not-configured-yet-it = {" "}L’envoi n’est pas encore configuré : il attendra qu’il le soit.
no-such-event = Événement introuvable.
tick-i-understand-to-resend-the = Cochez « Je comprends » pour renvoyer l’événement : Orange le recevra de nouveau.
only-a-pending-or-failed-event = Seul un événement en attente ou en échec peut être réessayé maintenant.
the-event-is-being-sent-right = L’événement est en cours d’envoi ; réessayez dans un instant.
tick-i-understand-to-resend-these = Cochez « Je comprends » pour renvoyer ces événements : Orange les recevra de nouveau.
no-event-matched-nothing-was-resent = Aucun événement ne correspondait : rien n’a été renvoyé.
sign-in-first = Connectez-vous d’abord.
the-change-could-not-be-saved = La modification n’a pas pu être enregistrée ; veuillez réessayer.
the-file-could-not-be-read = Le fichier n’a pas pu être lu ; veuillez réessayer.
the-file-is-too-large-split = Le fichier est trop volumineux ; découpez-le en plusieurs fichiers.
choose-a-csv-file = Choisissez un fichier CSV.
file-not-utf8 = Le fichier n’est pas du texte UTF-8 ; enregistrez-le en CSV UTF-8 et réessayez.
no-such-licence = Licence introuvable.
licence-retry-after-orange = Une opération d’Orange est en cours sur cette licence ; réessayez une fois terminée.
the-licence-has-no-end-user = La licence n’a pas d’utilisateur final à retirer.
this-realizing-resource-does-not-belong = Cette ressource n’appartient pas à la licence.
nothing-changed-that-is-already-the = Rien n’a changé : c’est déjà la valeur actuelle.
not-a-valid-msisdn-use-the = MSISDN non valide : utilisez le format international, + puis 8 à 15 chiffres (par ex. +33612345678). Rien n’a été modifié.
not-a-valid-imei-15-digits = IMEI non valide : 15 chiffres terminés par une clé de Luhn valide. Rien n’a été modifié.
not-a-valid-e-mail-address = Adresse e-mail non valide. Rien n’a été modifié.
not-a-valid-url-it-starts = URL non valide : elle commence par http:// ou https:// et nomme un hôte. Rien n’a été modifié.
end-user-saved-orange-will-be = Utilisateur final enregistré. Orange en sera informé.
tick-i-understand-to-remove-the = Cochez « Je comprends » pour retirer l’utilisateur final.
end-user-removed-orange-will-be = Utilisateur final retiré. Orange en sera informé.
tick-i-understand-to-renew-the = Cochez « Je comprends » pour renouveler l’identifiant.
an-offering-with-this-offer-code = Une offre avec ce code existe déjà.
no-such-offering = Offre introuvable.
offerings-created = Créées :
offerings-updated = Mises à jour :
the-username-must-be-1-to = L’identifiant doit compter 1 à 64 caractères parmi a-z, 0-9, « . », « _ », « - » et « @ ».
display-name-length = Le nom affiché doit compter 1 à 100 caractères.
the-password-must-have-at-least = Le mot de passe doit compter au moins 12 caractères.
the-password-must-have-at-most = Le mot de passe doit compter au plus 256 caractères.
an-operator-with-this-username-already = Un opérateur avec cet identifiant existe déjà.
no-such-operator = Opérateur introuvable.
this-is-the-last-active-administrator = C’est le dernier administrateur actif : nommez d’abord un autre administrateur.
choose-a-role-admin-operator-or = Choisissez un rôle : admin, operator ou support.
you-cannot-disable-your-own-account = Vous ne pouvez pas désactiver votre propre compte.
tick-i-understand-to-change-the = Cochez « Je comprends » pour changer le rôle : le changement est immédiat.
tick-i-understand-to-reset-the = Cochez « Je comprends » pour réinitialiser le mot de passe : l’opérateur est déconnecté partout.
choose-a-fleet-policy = Choisissez une politique de flotte.
the-retention-is-a-whole-number = La conservation est un nombre entier de jours, de 1 à 3650.
the-settings-were-not-saved = Les réglages n’ont pas été enregistrés :
orange-api-settings-saved = Réglages de l’API Orange enregistrés.
this-licence-has-no-end-user = Cette licence n’a pas d’utilisateur final : aucune donnée personnelle n’est conservée à son sujet.
tick-i-understand-to-erase-the = Cochez « Je comprends » pour effacer les données personnelles de l’utilisateur final.
nothing-to-erase = La licence n’a pas d’utilisateur final : il n’y a rien à effacer.
only-acknowledged-work-can-be-completed = Seul un travail accusé peut être terminé maintenant ; il a peut-être été terminé entre-temps.
tick-i-understand-to-fail-the = Cochez « Je comprends » pour mettre le travail en échec : Orange en est informé.
choose-one-of-the-contracts-error = Choisissez l’un des codes d’erreur du contrat.
no-such-order-or-task = Commande ou tâche introuvable.
only-acknowledged-or-in-progress-work = Seul un travail accusé ou en cours peut être mis en échec.
write-a-message-for-orange = Rédigez un message pour Orange.
each-threshold-is-a-whole-number = Chaque seuil est un nombre entier de minutes, de 1 à 10080 (une semaine).
thresholds-saved = Seuils enregistrés.

# Texts with variables. A count chooses its words by the language's plural rules.
not-an-event-state = « { $text } » n’est pas un état d’événement.
not-an-orange-event-type = « { $text } » n’est pas un type d’événement Orange.
server-unreachable = Le serveur est injoignable ({ $detail }).
resource-shared-by-licences =
    { $count ->
        [one] partagée par { $count } licence du client
       *[other] partagée par les { $count } licences du client
    }
minutes-short = { $minutes } min
stuck-after = Bloqué après : commandes { $orders }, tâches { $tasks }, événements en attente { $events } (événements en échec aussitôt).
operations-documented =
    { $count ->
        [one] { $count } opération documentée.
       *[other] { $count } opérations documentées.
    }
nothing-matches = Aucun résultat pour « { $text } ».
search-results-count =
    { $count ->
        [one] { $count } résultat
       *[other] { $count } résultats
    }
edit-offering-title = Modifier l’offre { $code }
events-count =
    { $count ->
        [one] { $count } événement
       *[other] { $count } événements
    }
resend-being-sent =
    { $count ->
        [one] { $count } événement correspondant au filtre est en cours d’envoi et n’est pas touché.
       *[other] { $count } événements correspondant au filtre sont en cours d’envoi et ne sont pas touchés.
    }
answer-truncated = Seul le début de la réponse est conservé : elle faisait { $bytes } octets.
counted-in-background = Avec autant de données, ces chiffres sont comptés en arrière-plan toutes les { $seconds } s, et non à chaque visite. Dernier comptage :
attempts-last-day =
    { $count ->
        [one] { $count } tentative ces dernières 24 heures
       *[other] { $count } tentatives ces dernières 24 heures
    }
bulk-lines-count =
    { $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    }
bulk-count-applied =
    { $count ->
        [one] { $count } appliquée
       *[other] { $count } appliquées
    }
bulk-count-ready =
    { $count ->
        [one] { $count } prête
       *[other] { $count } prêtes
    }
bulk-count-unchanged = { $count } sans rien à faire
bulk-count-invalid = { $count } avec un problème
bulk-count-refused =
    { $count ->
        [one] { $count } refusée
       *[other] { $count } refusées
    }
bulk-file-subtitle = { $kind } · envoyé par { $by }
bulk-applying-progress = Application en cours : { $done } lignes sur { $total } traitées. Cette page se met à jour seule.
bulk-applied-by = Appliqué par { $by } : { $changed } modifiée(s), { $refused } refusée(s), { $unchanged } sans rien à faire. Orange est informé de chaque modification.
bulk-discarded-by = Abandonné par { $by } : aucune de ses lignes n’a été appliquée.
bulk-apply-consent =
    { $count ->
        [one] Je comprends que { $count } licence va changer et qu’Orange en sera informé
       *[other] Je comprends que { $count } licences vont changer et qu’Orange sera informé de chacune
    }
bulk-apply-ready =
    { $count ->
        [one] Appliquer { $count } ligne prête
       *[other] Appliquer { $count } lignes prêtes
    }
events-to-orange-count =
    { $count ->
        [one] { $count } événement vers Orange
       *[other] { $count } événements vers Orange
    }
sign-in-locked =
    Trop d’échecs. La connexion est verrouillée depuis ce poste ; réessayez dans { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
purge-counts = {" "}: { $exchanges } échanges, { $attempts } tentatives d’envoi et { $details } détails d’audit supprimés.
operator-created = Opérateur { $login } créé.
operator-already-role = { $login } est déjà { $role }.
operator-now-role = { $login } est désormais { $role }.
operator-password-reset = Mot de passe de { $login } réinitialisé ; ses sessions ont été fermées.
not-stuck-now = { $id } n’est pas bloqué à présent ; { $meanwhile }. Rien n’a été modifié : le support n’agit que sur le travail bloqué.
maybe-delivered-meanwhile = il a pu être envoyé entre-temps
maybe-completed-meanwhile = il a pu être terminé entre-temps
order-completed-by-support = La commande { $id } est terminée ; Orange en reçoit l’événement.
task-completed-by-support = La tâche { $id } est terminée ; Orange en reçoit l’événement.
order-now-failed = La commande { $id } est désormais en échec ({ $code }).
order-now-partial = La commande { $id } est désormais partielle ({ $code }).
task-now-failed = La tâche { $id } est désormais en échec ({ $code }).
task-now-partial = La tâche { $id } est désormais partielle ({ $code }).
retry-only-pending-or-failed = Seul un événement en attente ou en échec peut être réessayé maintenant ; celui-ci est « { $state } ».
bulk-applying-started =
    { $count ->
        [one] Application de { $count } modification en cours : cette page montre l’avancement.
       *[other] Application de { $count } modifications en cours : cette page montre l’avancement.
    }
choose-mode-for = Choisissez synchrone ou asynchrone pour { $operation }.
offering-added = Offre { $code } ajoutée.
offering-saved = Offre { $code } enregistrée.
offering-retired = Offre { $code } retirée.
offering-brought-back = Offre { $code } rétablie.
import-nothing-imported =
    { $count ->
        [one] Rien n’a été importé : { $count } ligne du fichier est erronée.
       *[other] Rien n’a été importé : { $count } lignes du fichier sont erronées.
    }
catalogue-imported = Catalogue importé : { $created } créée(s), { $updated } mise(s) à jour.
credential-issued = Identifiant « { $label } » émis.
credential-tick-to-revoke = Cochez « Je comprends » pour révoquer « { $label } » : Orange ne pourra plus appeler avec.
credential-already-revoked = L’identifiant « { $label } » était déjà révoqué.
credential-revoked = Identifiant « { $label } » révoqué.
personal-data-erased = Données personnelles effacées : l’utilisateur final n’apparaît plus sur la licence ni dans { $copies } copies conservées (journal d’audit, événements, tentatives d’envoi, échanges avec Orange, lignes de fichiers groupés).
personal-data-erased-orange-told = Données personnelles effacées : l’utilisateur final n’apparaît plus sur la licence ni dans { $copies } copies conservées (journal d’audit, événements, tentatives d’envoi, échanges avec Orange, lignes de fichiers groupés). Orange en sera informé.
new-login-orange-told = Nouvel identifiant : { $login }. Orange en sera informé.

bulk-duplicate-licence = Cette licence figure déjà ligne { $line } ; seule cette ligne compte.
bulk-shared-conflict = Cette ressource est partagée par les licences du client, et la ligne { $line } lui donne déjà une autre valeur.
bulk-shared-same = Ressource partagée : la ligne { $line } donne cette valeur à toutes les licences du client.
attempts-count =
    { $count ->
        [0] aucune tentative
        [one] { $count } tentative
       *[other] { $count } tentatives
    }
event-badge-pending = en attente
event-badge-delivering = en cours d’envoi
event-badge-delivered = envoyé
event-badge-failed = en échec
licences-count =
    { $count ->
        [one] { $count } licence
       *[other] { $count } licences
    }
licences-more-than = Plus de { $cap } licences
bulk-missing-columns = La première ligne doit nommer les colonnes ; il manque : { $missing }. Rien n’a été gardé.
bulk-too-many-rows = Le fichier a plus de { $max } lignes de modification ; découpez-le en plusieurs fichiers.
bulk-unreadable-line = La ligne { $line } n’est pas du CSV valide (vérifiez ses guillemets). Rien n’a été gardé.
event-will-be-resent = L’événement { $id } sera renvoyé.
event-will-be-tried-now = L’événement { $id } va être tenté maintenant.
events-will-be-resent =
    { $count ->
        [one] { $count } événement sera renvoyé.
       *[other] { $count } événements seront renvoyés.
    }
resource-replaced =
    { $count ->
        [1] Ressource remplacée. Orange en sera informé.
       *[other] Ressource partagée remplacée sur { $count } licences. Orange sera informé pour chacune.
    }
operator-disabled = Opérateur { $login } désactivé.
operator-enabled = Opérateur { $login } réactivé.
offering-code-invalid = le code d’offre doit faire de 1 à 64 caractères, sans espace
offering-name-invalid = le nom doit faire de 1 à 100 caractères
offering-resource-type-invalid = le type de ressource doit être none, msisdn, imei, email ou url
offering-resource-scope-invalid = la portée de la ressource doit être per_licence ou per_customer
offering-shared-without-type = une ressource partagée (per_customer) doit avoir un type, pas none
login-format-no-sequence = le format d’identifiant doit contenir {"{"}seq{"}"} ou {"{"}seq:N{"}"}
login-format-no-customer = le format d’identifiant doit contenir {"{"}customer{"}"}, pour que les identifiants de deux clients ne se croisent jamais
login-format-unknown-placeholder = paramètre {"{"}{ $name }{"}"} inconnu dans le format d’identifiant (utilisez {"{"}customer{"}"}, {"{"}offer{"}"}, {"{"}seq{"}"}, {"{"}seq:N{"}"})
login-format-invalid-character = le format d’identifiant ne peut contenir que a-z, 0-9, « . », « _ » et « - » hors paramètres
login-format-length = le format d’identifiant est vide ou dépasse 64 caractères
import-line-unreadable = la ligne ne peut pas être lue ({ $detail })
import-duplicate-code = le code d’offre { $code } apparaît deux fois
import-empty = le fichier ne contient aucune offre
import-error-line = Ligne { $line } : { $message }.
show-or-hide-this-list = Afficher ou masquer cette liste
close-this-list = Fermer cette liste
the-productorder-events-url = L’URL des événements productOrder
the-userservice-events-url = L’URL des événements userService
the-token-url = L’URL du jeton
all-lines = Toutes les lignes
problems-only = Problèmes seulement
ready-lines = Prêtes
unknown-licence-state = État de licence inconnu.
unknown-end-user-choice = Choix d’utilisateur final inconnu.
unknown-resource-choice = Choix de ressource inconnu.
refusal-change-data = Votre rôle ne permet pas de modifications : demandez à un opérateur ou à un administrateur.
refusal-not-allowed = Votre rôle ne le permet pas.
refusal-admin-only = Seuls les administrateurs peuvent faire cela.
cross-site-request-refused = Requête d’un autre site refusée : envoyez le formulaire depuis la console elle-même.

# State names. French agrees them with the count of what is in the state (one licence "Résiliée",
# several "Résiliées"); English does not change, but names the count so both languages take it.
licence-state-pending =
    { $count ->
       *[other] En attente
    }
licence-state-active =
    { $count ->
        [one] Active
       *[other] Actives
    }
licence-state-suspended =
    { $count ->
        [one] Suspendue
       *[other] Suspendues
    }
licence-state-terminated =
    { $count ->
        [one] Résiliée
       *[other] Résiliées
    }
work-state-acknowledged =
    { $count ->
        [one] Accusée
       *[other] Accusées
    }
work-state-in-progress =
    { $count ->
       *[other] En cours
    }
work-state-completed =
    { $count ->
        [one] Terminée
       *[other] Terminées
    }
work-state-failed =
    { $count ->
       *[other] En échec
    }
work-state-partial =
    { $count ->
        [one] Partielle
       *[other] Partielles
    }
event-state-pending =
    { $count ->
       *[other] En attente
    }
event-state-delivering =
    { $count ->
       *[other] En cours d’envoi
    }
event-state-delivered =
    { $count ->
        [one] Envoyé
       *[other] Envoyés
    }
event-state-failed =
    { $count ->
       *[other] En échec
    }
unknown-sort-order = Ordre de tri inconnu.
provisioning = Provisionnement
provisioning-none = Aucun (terminé aussitôt)
provisioning-manual = Approbation manuelle
provisioning-webhook = Webhook vers le produit
offering-provisioning-invalid = Le provisionnement doit être none, manual ou webhook
callback-needs-async = Le produit ne peut pas répondre par rappel tant que ces opérations sont synchrones (des offres sont provisionnées par webhook) : { $operations }. Rendez-les d’abord asynchrones dans les réglages de l’API Orange, ou laissez « attendre le rappel » désactivé.
manual-needs-async = L’approbation manuelle (et les webhooks tant que le produit répond par rappel) demande des opérations asynchrones ; rendez d’abord asynchrones dans les paramètres Orange : { $operations }
sync-refused-manual-offerings = { $operations } ne peut pas être synchrone tant que des offres attendent une approbation manuelle ou le rappel du produit ({ $offerings }) : changez d’abord leur provisionnement, ou désactivez « attendre le rappel » dans les réglages du provisionnement.
provisioning-hint = Approbation manuelle : chaque commande ou tâche de cette offre attend dans la file d’activation qu’un opérateur l’approuve ou la rejette. Elle demande des opérations asynchrones. Webhook : un webhook signé informe votre produit de chaque opération (voir les réglages du provisionnement).
activation-queue = File d’activation
activation-queue-lead = Les commandes et tâches des offres à provisionnement manuel attendent ici. Approuvez-les une fois faites dans votre produit : elles se terminent et Orange reçoit leur événement. Ou rejetez-les avec un code d’erreur : elles échouent et Orange en apprend la raison.
nothing-waits-for-approval = Rien n’attend d’approbation.
approve = Approuver
approve-selected = Approuver la sélection
reject-selected = Rejeter la sélection
reject-the-selection = Rejeter la sélection
waiting-at-least-minutes = En attente depuis au moins (minutes)
select-work = Sélectionner
waits-for-manual-approval = Attend une approbation manuelle (file d’activation)
select-work-first = Sélectionnez d’abord au moins une commande ou une tâche.
work-approved =
    { $count ->
        [one] { $count } commande ou tâche approuvée : Orange en sera informé.
       *[other] { $count } commandes et tâches approuvées : Orange en sera informé.
    }
work-rejected =
    { $count ->
        [one] { $count } commande ou tâche rejetée : Orange en sera informé.
       *[other] { $count } commandes et tâches rejetées : Orange en sera informé.
    }
work-no-longer-waiting =
    { $count ->
        [one] { $count } n’attendait plus d’approbation et a été laissée telle quelle.
       *[other] { $count } n’attendaient plus d’approbation et ont été laissées telles quelles.
    }
provisioning-column-help = Facultatif : none, manual ou webhook. Vide garde le provisionnement d’une offre existante (none pour une nouvelle).

# Le provisionnement dans la console : réglages du webhook, identifiants de provisionnement, tâches de provisionnement.
provisioning-settings = Réglages de provisionnement
how-fleetdesk-tells-your-product-of = Comment Fleetdesk informe votre produit de chaque opération des offres provisionnées par webhook, et comment votre produit répond.
webhook-configured = Configuré.
webhooks-are-sent-to-your-product = Les webhooks sont envoyés à votre produit au fil des opérations.
webhooks-wait-in-the-queue-until = Les webhooks attendent dans la file tant qu’une URL de webhook et un secret de signature ne sont pas définis.
new-signing-secret = Nouveau secret de signature
copy-the-signing-secret-now-it = Copiez le secret de signature maintenant et donnez-le à votre produit : il n’est affiché qu’une seule fois.
webhook = Webhook
each-operation-is-posted-as-a = Chaque opération est envoyée à cette URL en webhook JSON signé ; les requêtes en échec sont retentées selon le calendrier des réglages d’envoi.
webhook-url = URL du webhook
n-1-to-60-for-each-webhook = De 1 à 60, pour chaque requête de webhook. Une requête sans réponse passé ce délai compte comme un échec et est retentée.
when-is-an-operation-done = Quand une opération est-elle terminée ?
when-the-product-answers-2xx = Quand le produit répond 2xx.
its-answer-means-the-operation-is = Sa réponse 2xx signifie que l’opération est faite dans le produit.
when-the-product-calls-back = Quand le produit rappelle (attendre le rappel).
the-product-answers-2xx-at-once = Le produit répond 2xx aussitôt et appelle /provisioning/v1 plus tard avec le résultat ; d’ici là, la commande ou la tâche reste en cours.
save-provisioning-settings = Enregistrer les réglages de provisionnement
signing-secret = Secret de signature
every-webhook-is-signed-as-the = Chaque webhook est signé comme le dit la spécification Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). Une fois généré, le secret n’est plus jamais affiché.
the-previous-secret-still-signs-until = L’ancien secret signe encore à côté du nouveau jusqu’au
overlap-minutes = Chevauchement (minutes)
how-long-the-current-secret-keeps = Combien de temps le secret actuel continue de signer à côté du nouveau, pour que votre produit puisse basculer : 0 l’arrête aussitôt ; au plus 10080 (une semaine).
generate-a-new-signing-secret = Générer un nouveau secret de signature
callbacks-from-your-product = Rappels de votre produit
with-await-callback-your-product-reports = Avec « attendre le rappel », votre produit signale chaque résultat à cette adresse de base (tasks/…/complete ou /fail ; tasks?state=pending liste ce qui attend) :
it-authenticates-with-a-provisioning-credential = Il s’authentifie avec un identifiant de provisionnement, émis sur la page
the-webhook-url-is-not-a = L’URL du webhook n’est pas une URL.
the-webhook-url-must-start-with = L’URL du webhook doit commencer par https:// (http:// seulement pour une adresse locale : 127.0.0.1, ::1 ou localhost).
the-webhook-timeout-must-be-1 = Le délai du webhook est un nombre entier de secondes, de 1 à 60.
the-overlap-must-be-0-to = Le chevauchement est un nombre entier de minutes, de 0 à 10080 (une semaine).
no-fleetdesk-secret-key-is-configured = Aucune FLEETDESK_SECRET_KEY n’est configurée : le secret de signature ne peut pas être stocké scellé. Définissez-la et redémarrez le serveur.
the-provisioning-settings-were-not-saved = Les réglages de provisionnement n’ont pas été enregistrés :
provisioning-settings-saved = Réglages de provisionnement enregistrés.
provisioning-settings-saved-webhooks-wait = Réglages de provisionnement enregistrés. Les webhooks attendent dans la file tant qu’un secret de signature n’a pas aussi été généré.
a-new-signing-secret-was-generated = Un nouveau secret de signature a été généré.
your-product-calls-back-on = Votre produit rappelle sur
with-a-provisioning-credential-sent-the = avec un identifiant de provisionnement, envoyé de la même façon. Chaque type n’est valable que sur sa propre API.
credential-kind = Type
credential-kind-orange = API Orange
credential-kind-provisioning = Rappel du produit partenaire
your-product-sends-either-header = Votre produit envoie l’un ou l’autre de ces en-têtes à /provisioning/v1 :
i-understand-the-product-can-no-longer = Je comprends que le produit ne pourra plus l’utiliser
choose-who-the-credential-is-for = Choisissez pour qui est l’identifiant : l’API Orange ou le rappel du produit partenaire.
resolved-by = Résolue par
resolved = Résolue
provisioning-pending = en attente
provisioning-completed = terminée
provisioning-failed = en échec
by-an-operator = un opérateur
by-the-product = le produit
waits-on-the-product = Attend le produit : { $reason }
provisioning-step-sent = Envoyé au produit
provisioning-step-done = Provisionnement fait
provisioning-step-failed = Provisionnement en échec
values-from-the-product = Valeurs données par le produit
values-from-the-product-lead = Saisissez les identifiants et les valeurs des ressources de réalisation que votre produit a créés pour ces licences ; un champ vide garde ce que la licence a. L'événement envoyé à Orange les porte.
approve-with-these-values = Approuver avec ces valeurs
complete-with-these-values = Terminer avec ces valeurs
values-licence-not-waiting = { $licence } n'est pas une licence de cette commande encore en attente : rien n'a été modifié.
values-resource-unknown = { $resource } n'est pas une ressource de réalisation de { $licence } : rien n'a été modifié.
values-login-invalid = { $licence } : l'identifiant doit compter de 1 à 128 caractères, sans caractère de contrôle. Rien n'a été modifié.
values-login-taken = { $licence } : l'identifiant { $login } est déjà celui d'une autre licence. Rien n'a été modifié.
values-resource-invalid = { $licence } : { $reason }
values-more-licences = Seules les { $count } premières licences en attente sont affichées ; donnez leurs valeurs aux autres sur leur propre page.
licence-values-entered-by-hand = Valeurs saisies à la main
approving-is-an-operators-decision = Approuver du travail en attente revient à un opérateur ; le support termine ou fait échouer le travail une fois bloqué.
event-state-cancelled =
    { $count ->
        [one] Annulé
       *[other] Annulés
    }
event-badge-cancelled = annulé
cancelled-at = Annulé
self-test = Autotest
self-test-lead = Joue le rôle d'Orange face à cette installation, comme la commande simulate : chaque réponse est vérifiée au regard du contrat, étape par étape. L'exécution dispose de son propre identifiant Orange, émis pour elle et révoqué à la fin.
sandbox = Bac à sable
sandbox-lead = Tant que le bac à sable est activé, les événements partent vers un récepteur intégré à Fleetdesk au lieu d'Orange, et sont listés sur cette page. Les réglages d'envoi en vigueur sont mis de côté et reviennent à la désactivation.
sandbox-is-on = Bac à sable activé :
sandbox-is-on-detail = les événements partent vers le récepteur intégré, pas vers Orange. Désactivez-le avant que cette installation serve Orange.
sandbox-is-off = Bac à sable désactivé :
sandbox-is-off-detail = les événements partent là où les réglages d'envoi l'indiquent.
sandbox-sink-address = Adresse du récepteur
switch-the-sandbox-on = Activer le bac à sable
switch-the-sandbox-off = Désactiver le bac à sable
i-understand-no-event-reaches-orange = Je comprends : aucun événement n'arrive chez Orange tant que le bac à sable n'est pas désactivé.
tick-the-box-to-switch-the-sandbox-on = Cochez la case pour confirmer : tant que le bac à sable est activé, aucun événement n'arrive chez Orange.
sandbox-switched-on = Bac à sable activé : les événements partent désormais vers le récepteur intégré, pas vers Orange.
sandbox-switched-off = Bac à sable désactivé : les réglages d'envoi précédents sont rétablis et les événements repartent vers Orange.
the-sandbox-is-already-on = Le bac à sable est déjà activé.
the-sandbox-is-not-on = Le bac à sable n'est pas activé.
sandbox-banner = Bac à sable activé : les événements partent vers le récepteur intégré, pas vers Orange.
sandbox-banner-link = Autotest et bac à sable
run-the-self-test = Lancer l'autotest
self-test-run = Exécution
self-test-mode-sync = Toutes les opérations sont synchrones : l'exécution vérifie les réponses et (bac à sable activé) qu'aucun événement n'est envoyé pour elles.
self-test-mode-async = Toutes les opérations sont asynchrones : l'exécution vérifie les réponses et les événements reçus par le bac à sable, qui doit donc être activé.
self-test-mixed-modes = Les opérations ne sont pas toutes dans le même mode : passez-les toutes en synchrone ou toutes en asynchrone dans les réglages Orange pour lancer l'autotest.
self-test-offers = Offres commandées :
self-test-needs-two-offerings = L'autotest commande deux offres sans provisionnement et le catalogue en compte moins : ajoutez-en une dans les offres.
self-test-needs-the-sandbox = Les opérations sont asynchrones : activez d'abord le bac à sable, pour que leurs événements partent vers le récepteur intégré, où l'exécution les vérifie.
self-test-started = L'autotest a démarré ; cette page affiche ses étapes à mesure qu'elles se terminent.
self-test-already-running = Un autotest est déjà en cours : attendez qu'il se termine.
self-test-running = En cours
self-test-passed = Réussi
self-test-failed = Échoué
self-test-interrupted = Interrompu
self-test-no-run = Aucun autotest n'a encore été lancé.
self-test-last-run = Dernière exécution
self-test-steps =
    { $total ->
        [one] { $total } étape : { $passed } réussie(s), { $failed } échouée(s)
       *[other] { $total } étapes : { $passed } réussies, { $failed } échouées
    }
self-test-started-by = Lancé par { $who } en mode { $mode } contre { $target }
self-test-ended = Terminé
step-rule-broken = Règle enfreinte
step-requires = Le contrat exige
step-found = Constaté
contract-section = Section { $section }
events-received-by-the-sandbox = Événements reçus par le bac à sable
sandbox-received-total =
    { $count ->
        [0] Le récepteur de cette instance n'a rien reçu depuis son démarrage.
        [one] Le récepteur de cette instance a reçu { $count } envoi depuis son démarrage ; les plus récents sont listés.
       *[other] Le récepteur de cette instance a reçu { $count } envois depuis son démarrage ; les plus récents sont listés.
    }
event-id = Identifiant d'événement
sandbox-no-event-yet = Aucun événement reçu : activez le bac à sable, puis commandez ou modifiez des licences (ou lancez l'autotest en mode asynchrone).
