# ruff: noqa: E501  (one template per line reads better than wrapped strings)
"""The templates of the PII evaluation set: (source, text with {SLOT}s). Written by us; see README.md."""

from __future__ import annotations

SIG = "{NAMEM}\n{_CO}\n{ADDR}\nHouston, TX {_ZIP}\n{PHONE} (office)\n{PHONE} (fax)"

TEMPLATES: list[tuple[str, str]] = [
    # --- mail bodies with signatures -------------------------------------------------------------
    (
        "email",
        "Please see the attached curve for {_DATE}. Let me know if the {_VOL} number looks off.\n\n" + SIG,
    ),
    (
        "email",
        "I'll be out {_DATE}. {FIRST} will cover the desk; reach her at {PHONE}.\n\nThanks,\n{NAMEM}\n{PHONE} (office)\n{PHONE} (cell)",
    ),
    (
        "email",
        "Deal {_DEAL} was entered at {_PRICE} for {_VOL}. Can you confirm with {NAME} before {_TIME}?\n\n{NAME}\nGas Structuring\n{_CO}\nphone: {PHONE}\n{EMAIL}",
    ),
    (
        "email",
        "Regards,\n\n{NAME}\nDirector, Risk Management\n{_CO}\n{ADDR}\nHouston, Texas {_ZIP}\nTel {PHONE}\nFax {PHONE}\nMobile {PHONE}",
    ),
    (
        "email",
        "{FIRST},\n\nThe revised schedule is below. Volumes for {_Q} stay at {_VOL}.\n\n{FIRST#1}\n\n{NAME}\n{PHONE}",
    ),
    (
        "email",
        "thanks - {FIRST}\n\n -----Original Message-----\nFrom: \t{LASTFIRST}  \nSent:\t{_DATE} {_TIME}\nTo:\t{LASTFIRST}; {LASTFIRST}\nSubject:\tRE: {_Q} budget\n\nCan you send me the {_Q} numbers? {NAME} needs them by {_DATE}.",
    ),
    (
        "email",
        "---------------------- Forwarded by {NAME}/HOU/ECT on {_DATE} {_TIME} ---------------------------\n\n\n{NAME}@ENRON\n{_DATE} {_TIME}\nTo: {NAME}/HOU/ECT@ECT, {NAME}/Corp/Enron@ENRON\ncc: {NAME}/NA/Enron@Enron\nSubject: meter {_DEAL}\n\nThe flow on meter {_DEAL} was {_VOL} yesterday. Call me at {PHONE} if you want to go over it.",
    ),
    (
        "email",
        '"{LASTFIRST}" <{EMAIL}> on {_DATE} {_TIME}\nTo: <{EMAIL}>\ncc: \nSubject: dinner\n\nWe are still on for Friday. My cell is {PHONE} in case you get lost.\n{FIRST}',
    ),
    (
        "email",
        "> {FIRST}, can you look at the {_Q} accrual?\n> It is off by {_PRICE}.\n>\n> {NAME}\n\nLooked at it - the difference is deal {_DEAL}. I copied {NAME} and {EMAIL}.",
    ),
    (
        "email",
        "On {_DATE}, {NAME} <{EMAIL}> wrote:\n> see you at the game\n\nsounds good. my new number is {PHONE}. tell {FIRST} i said hi.",
    ),
    # --- HR / payroll --------------------------------------------------------------------------
    (
        "email",
        "HR needs the following to finish your enrollment:\n\nEmployee: {NAME}\nSSN: {SSN}\nDate of birth: {DOB}\nHome address: {ADDR}, Houston, TX {_ZIP}\nHome phone: {PHONE}\n\nThanks,\n{NAME}\nHuman Resources",
    ),
    (
        "email",
        "{FIRST} - payroll could not deposit your check. Please confirm your social security number ({SSN}) and bank account {BANK} with {NAME} in Payroll, ext. {_N}.",
    ),
    (
        "email",
        "Per our conversation, the beneficiary for policy {_DEAL} is {NAME} (SSN {SSN}, DOB {DOB}). The premium of {_PRICE} is due {_DATE}.",
    ),
    (
        "email",
        "New hire paperwork for {NAME}:\n- SSN {SSN}\n- Texas DL {DL}\n- Passport {PASSPORT}\n- Start date {_DATE}\nPlease file it by {_TIME}.",
    ),
    ("email", "Can you fix my W-2? The SSN on it is {SSN} but mine is {SSN}. Thanks, {FIRST}"),
    (
        "email",
        "I reimbursed {NAME} {_PRICE} for the Calgary trip. His corporate card is {CARD} (exp {_DATE}); the charge should clear by {_DATE}.",
    ),
    (
        "email",
        "Travel booked for {NAME} and {NAME}. Charged to AmEx {CARD}, confirmation {_ORDER}. Hotel is at {ADDR}.",
    ),
    (
        "email",
        "Here is the card for the conference registration: {CARD}, name on card {NAME}, billing zip {_ZIP}. Please delete this mail after.",
    ),
    (
        "email",
        "{FIRST}, I ordered the books with my Visa {CARD}. Total was {_PRICE}; the order number is {_ORDER}.",
    ),
    # --- vendor payments -----------------------------------------------------------------------
    (
        "email",
        "Dear {NAME},\n\nPlease remit {_PRICE} for invoice {_ORDER} to:\n\nBeneficiary: {_CO}\nIBAN: {IBAN}\nReference: {_DEAL}\n\nKind regards,\n{NAME}\nAccounts Receivable\n{PHONE}",
    ),
    (
        "email",
        "Wire instructions changed. New account: IBAN {IBAN} (BIC DEUTDEFF). The old account {IBAN} is closed as of {_DATE}.",
    ),
    (
        "email",
        "Payment of {_PRICE} for {_VOL} delivered in {_DATE}. Bank details: {IBAN}. Contact {NAME}, {EMAIL}, {PHONE}.",
    ),
    (
        "email",
        "Our London office banks with Barclays: {IBAN}. Please update vendor {_DEAL} before the {_Q} close. - {FIRST}",
    ),
    (
        "email",
        "ACH details for {NAME}: account {BANK}, routing on file. Please pay the {_PRICE} expense report by {_DATE}.",
    ),
    # --- IT -----------------------------------------------------------------------------------
    (
        "email",
        "Ticket {_ORDER}: user {NAME} cannot reach the EOL server at {IP} from {IP}. Last good login {_DATE} {_TIME}. Assigned to {NAME}.",
    ),
    (
        "email",
        "Your login for the new risk system:\n\nusername: {first}\npassword: {PW}\n\nPlease change it at first login. Call the help desk at {PHONE} with problems.",
    ),
    (
        "email",
        "The firewall blocked {IP} and {IP} overnight. Version {_VER} of the agent is on both. {NAME} is looking at it.",
    ),
    (
        "email",
        "{FIRST} - the shared drive password is now {PW} and the VPN key is {TOKEN}. Don't forward this.",
    ),
    (
        "email",
        "Here is the login for the Platts site: user {EMAIL} / pw {PW}. Our subscription number is {_DEAL}.",
    ),
    (
        "email",
        "From the app server log ({_DATE}):\n{_TIME} connect from {IP} user={first}\n{_TIME} connect from {IP} user={first}\n{_TIME} build {_VER} started",
    ),
    (
        "email",
        "AWS credentials for the reporting job: access key {TOKEN}, secret stored in the vault. Server {IP}. Owner: {NAME}.",
    ),
    # --- people in running text ------------------------------------------------------------------
    (
        "email",
        "I met with {NAME} and {NAME} from {_CO} on {_DATE}. {LAST} wants {_VOL} at {_PRICE}; I told him we'd get back to him.",
    ),
    (
        "email",
        "Mr. {LAST} called again about the {_Q} true-up. Please ask {FIRST} to call him back at {PHONE}.",
    ),
    (
        "email",
        "Attendees: {NAME}, {NAME}, {NAMEM}, {NAME}. Minutes by {FIRST}. Next meeting {_DATE} at {_TIME}.",
    ),
    ("email", "Ask {FIRST} about the Transwestern capacity. She had the numbers for {_DATE}."),
    ("email", "{NAME}'s wife {FIRST} had the baby on {_DATE}. Cards can go to {ADDR}."),
    ("email", "{FIRST} and {FIRST} are out next week; {FIRST} covers the West desk."),
    (
        "email",
        "Dear Ms. {LAST},\n\nThank you for your letter of {_DATE}. {NAME} will contact you at {EMAIL} or {PHONE}.\n\nSincerely,\n{NAME}",
    ),
    (
        "email",
        "To: {LASTFIRST}\nFrom: {LASTFIRST}\nRe: {_Q} forecast\n\nNumbers attached. Call {FIRST} if anything is unclear.",
    ),
    # --- negatives (mail) -----------------------------------------------------------------------
    ("email", "Deal {_DEAL} confirmed: {_VOL} at {_PRICE} for {_DATE}. Sitara {_DEAL}, EOL {_DEAL}."),
    (
        "email",
        "The {_Q} budget is {_PRICE}. We are {_N}% over on travel and {_N}% under on consultants. Meeting at {_TIME} in EB {_N}.",
    ),
    (
        "email",
        "NYMEX settled at {_PRICE}. HSC {_PRICE}, Katy {_PRICE}. Volumes {_VOL} and {_VOL}. See you {_DATE}.",
    ),
    ("email", "Please use order {_ORDER} for the toner. Building zip is {_ZIP}; dock closes at {_TIME}."),
    (
        "email",
        "Upgrade to version {_VER} went fine; rollback plan uses {_VER}. Ticket {_ORDER} closed {_DATE}.",
    ),
    (
        "email",
        "Schedule for {_DATE}: {_TIME} desk meeting, {_TIME} risk call, {_TIME} {_Q} review. Dial-in on the calendar.",
    ),
    ("email", "Capacity release {_DEAL}: {_VOL} from {_DATE} through {_DATE} at {_PRICE}. Bids due {_TIME}."),
    (
        "email",
        "The {_CO} contract (No. {_DEAL}) runs through {_DATE}. Demand charge {_PRICE}/month; {_VOL} MDQ.",
    ),
    # --- Slack -------------------------------------------------------------------------------
    ("slack", "talked to {first} about it, she's ok with {_DATE}"),
    ("slack", "@{first} can you check the {_Q} numbers? :pray:"),
    ("slack", "ping {first} or {first}, they know the prod box ({IP})"),
    ("slack", "oops pasted the wrong thing - that was my token {TOKEN} :facepalm: rotating it now"),
    ("slack", "{first} said the password for the staging db is {PW} lol"),
    ("slack", "lunch w/ {name} tomorrow, anyone want to join? :taco:"),
    ("slack", "cc @{first} @{first} - build {_VER} is out, see https://wiki.example.com/release-notes"),
    ("slack", "my new cell is {PHONE}, text me if the site goes down"),
    ("slack", "the vpn endpoint moved to {IP}, old one {IP} is dead"),
    ("slack", "did {FIRST} ever send the IBAN for the munich vendor? i have {IBAN} from an old thread"),
    ("slack", "fyi {NAME} is joining the team on {_DATE} :tada:"),
    ("slack", "export AWS_ACCESS_KEY_ID={TOKEN} <- don't do this in #general :sweat_smile:"),
    ("slack", "thx {first}! :+1:"),
    ("slack", "hey can someone reset the wifi? ip is {IP}, login admin / {PW}"),
    ("slack", "{FIRST} - your ssn is on the printer: {SSN}. shredded it but heads up"),
    ("slack", "who is paying for the offsite? my card {CARD} got declined lol"),
    ("slack", "email me at {EMAIL} instead, work mail is down"),
    ("slack", "{first} and {first} are out today, {first} is on call ({PHONE})"),
    ("slack", "just spoke w/ {NAME}, sounds like {_DATE} works"),
    # --- negatives (Slack) ----------------------------------------------------------------------
    ("slack", "standup moved to {_TIME} :clock3:"),
    ("slack", "v{_VER} deployed, {_N} tests green :white_check_mark:"),
    ("slack", "ticket {_ORDER} is closed, thanks all"),
    ("slack", "prices: {_PRICE} / {_PRICE} for {_DATE}, volumes {_VOL}"),
    ("slack", "the {_Q} deck is in the shared drive, {_N} slides, due {_DATE}"),
    ("slack", "anyone seen the {_CO} invoice? amount is {_PRICE}"),
    # --- more cards, IBANs, SSNs, credentials -----------------------------------------------------
    (
        "email",
        "Corporate card reconciliation for {_DATE}:\n{NAME}  {CARD}  {_PRICE}\n{NAME}  {CARD}  {_PRICE}\nPlease review by {_TIME}.",
    ),
    (
        "email",
        "The caterer wants a card on file. I gave them mine ({CARD}); expense it under cost center {_DEAL}.",
    ),
    ("email", "Refund to IBAN {IBAN}, account holder {NAME}, amount {_PRICE}, our ref {_ORDER}."),
    (
        "email",
        "Supplier bank change request ({_CO}):\nold: {IBAN}\nnew: {IBAN}\nApproved by {NAME} on {_DATE}.",
    ),
    ("slack", "is this the right IBAN for the zurich office? {IBAN}"),
    (
        "email",
        "Benefits file for {_Q}: {NAME} {SSN}; {NAME} {SSN}; {NAME} {SSN}. Send only via the secure drop.",
    ),
    (
        "email",
        "Background check for {NAME}: SSN {SSN}, born {DOB}, previous address {ADDR}. Results in {_N} days.",
    ),
    ("email", "Your new mailbox is {EMAIL}. Forward anything for {EMAIL} there; the old one closes {_DATE}."),
    ("slack", "github token for the ci bot: {TOKEN} (expires {_DATE})"),
    ("email", "Contact list for the {_DATE} outage:\n{NAME} - {PHONE} - {EMAIL}\n{NAME} - {PHONE} - {EMAIL}"),
]
