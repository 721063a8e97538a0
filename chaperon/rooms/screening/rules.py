"""The rules: phrases that show a risk, each with its category and grade, matched against the
normalised text (``normalise``). A rule names what it looks for (``label``); the screening
keeps that and the words it matched, so that staff see why a message was held.

The grades (docs/rooms.md, "Chat screening"): 2 rude or a topic to watch, 3 worth a look
(relayed, counted in the monitoring report), 4 a risk to someone (held, the host and the
DSL told), 5 a risk of harm now (held likewise).
"""

import re
from dataclasses import dataclass

BULLYING = "bullying"
SEXUAL = "sexual"
SELF_HARM = "self_harm"
GROOMING = "grooming"
VIOLENCE = "violence"
EXTREMISM = "extremism"
DISCRIMINATION = "discrimination"
CATEGORIES = (BULLYING, SEXUAL, SELF_HARM, GROOMING, VIOLENCE, EXTREMISM, DISCRIMINATION)
# Each category as people read it.
CATEGORY_WORDS = {
    BULLYING: "bullying",
    SEXUAL: "sexual content",
    SELF_HARM: "self harm",
    GROOMING: "grooming signs",
    VIOLENCE: "violence",
    EXTREMISM: "extremism",
    DISCRIMINATION: "discrimination",
}


@dataclass(frozen=True)
class Rule:
    category: str
    grade: int
    label: str
    pattern: re.Pattern[str]


# Pieces the patterns share.
YOU = r"(?:you|u|ya|yu|yoo)"
YOUR = r"(?:your|ur|yr|youre|you're|yor)"
I_WILL = (
    r"(?:i(?:'ll| ?will| ?wil| ?am going to| ?am gonna|'?m gonna|'?m going to| ?gonna| ?wanna|"
    r" want to))"
)
DONT = r"(?:don'?t|dont|do not|dnt|never)"
APPS = (
    r"(?:snap(?:chat)?|insta(?:gram)?|whats ?app|discord|tiktok|telegram|kik|"
    r"facebook|fb|messenger|twitter|omegle|wickr|skype|imessage|facetime)"
)
DETAILS = (
    r"(?:(?:home |house )?address|postcode|post code|phone(?: number)?|mobile(?: number)?|"
    r"number|digits|snap|insta|surname|last name|full name|email|school|location|"
    r"(?:pic|pics|photo|photos|picture|pictures|selfie|selfies))"
)
GROUPS = (
    r"(?:muslims?|jews?|jewish people|christians?|black people|blacks|whites|asians?|"
    r"immigrants?|refugees?|foreigners?|gays?|gay people|lesbians?|trans people|trannies|"
    r"disabled people|gypsies|travellers|poles|polish people|pakistanis|indians|arabs|"
    r"africans|chinese people|women|girls|autistic people)"
)
# Slurs, matched as whole words after normalisation; kept short on purpose: the model adds
# abusive words this list leaves out.
SLURS = (
    r"(?:n[i1]gg(?:er|a|ah|az|ers)|paki|pakis|chink|chinks|spastic|spaz|spazz|retard(?:ed|s)?|"
    r"faggot|fag|fags|dyke|tranny|kike|wog|gyppo|pikey|coon|raghead|towelhead|golliwog)"
)

_RAW: tuple[tuple[str, int, str, str], ...] = (
    # Self harm: the person's own words about hurting or ending themselves.
    (
        SELF_HARM,
        5,
        "wants to end their life",
        r"\b(?:i|im|i'm|i am|i've|ive)\b[^.?!]{0,30}\b(?:kill(?:ing)? my ?self|end(?:ing)? my life|"
        r"end(?:ing)? it all|commit(?:ting)? suicide|take my (?:own )?life|not be alive|"
        r"want(?:s)? to die|wanna die|better off dead|going to jump|overdose)\b",
    ),
    (
        SELF_HARM,
        5,
        "wants to end their life",
        r"\b(?:kms|kill myself|killing myself|end my life|i want to die|i wanna die|"
        r"don'?t want to (?:be alive|live|be here) any ?more|no reason to live|"
        r"nothing to live for|suicidal)\b",
    ),
    (
        SELF_HARM,
        4,
        "hurts themselves",
        r"\b(?:i|im|i'm|i am|i've|ive|been)\b[^.?!]{0,20}\b(?:cut(?:ting)? my ?self|"
        r"hurt(?:ing)? my ?self|harm(?:ing)? my ?self|burn(?:ing)? my ?self|"
        r"starv(?:e|ing) my ?self|self ?harm(?:ing)?|cutting again)\b",
    ),
    (SELF_HARM, 4, "hurts themselves", r"\b(?:cut|cutting|hurt|harm) myself\b"),
    (SELF_HARM, 3, "self harm mentioned", r"\b(?:suicide|self ?harm|selfharm|overdosed?)\b"),
    (
        SELF_HARM,
        3,
        "says they feel hopeless",
        r"\b(?:no ?one would (?:care|notice) if i|no ?one would miss me|"
        r"everyone would be better off without me|"
        r"i hate my ?self|i hate my life|i can'?t (?:do this|cope) any ?more)\b",
    ),
    # Bullying: aimed at someone.
    (
        BULLYING,
        5,
        "tells someone to kill themselves",
        r"\b(?:kys|(?:go |just |should |u should |you should )?(?:kill|hang|end) (?:yo)?ur ?self|"
        r"(?:kill|hang|end) yourself|drink bleach|neck yourself|unalive yourself)\b",
    ),
    (
        BULLYING,
        4,
        "says nobody would miss them",
        r"\b(?:no ?one|nobody) (?:would|will|wud) (?:care|miss "
        + YOU
        + r"|notice) if "
        + YOU
        + r" (?:died|were dead|was dead|disappeared)|"
        r"(?:world|everyone) (?:would be|is) better (?:off )?without " + YOU + r"|"
        r"(?:you|u) (?:should|deserve to) die\b",
    ),
    (
        BULLYING,
        3,
        "a targeted insult",
        r"\b(?:" + YOUR + r"|" + YOU + r" are|" + YOU + r" r|you're so|ur so|ur such)"
        r" (?:(?:so|such|a|an|such an|a total|a complete|the most|really|fat|ugly|stupid|"
        r"pathetic|little|massive|fucking|effing) ){0,3}(?:ugly|fat|stupid|dumb|idiot|loser|"
        r"worthless|pathetic|disgusting|freak|weirdo|useless|thick|minger|mong|smelly|"
        r"waste of space|nobody|nothing|joke|embarrassment|virgin|tramp|scum|trash|rubbish|"
        r"moron|cow|pig|rat|slag|slut|skank|bitch|twat|dickhead|prick|knob|dick)\b",
    ),
    (
        BULLYING,
        3,
        "says everyone hates them",
        r"\b(?:no ?one|nobody) (?:likes|wants|loves|cares about) " + YOU + r"\b|"
        r"\b(?:everyone|everybody|we all) (?:hates?|laughs? at) " + YOU + r"\b|"
        r"\b" + YOU + r" (?:have|got) no friends\b|\bnobody asked " + YOU + r"\b",
    ),
    (
        BULLYING,
        3,
        "tells them to go away",
        r"\b(?:go away|get lost|leave|disappear) (?:and never come back|forever|for good)\b|"
        r"\b(?:no ?one|nobody) wants " + YOU + r" here\b",
    ),
    # Violence.
    (
        VIOLENCE,
        5,
        "a threat with a weapon or to a school",
        r"\b(?:(?:shoot up|bomb|blow up) (?:the |this |our )?(?:school|college|class)|"
        r"(?:bring|bringing|got|have|carry|carrying) (?:a |my )?(?:knife|blade|gun|machete|"
        r"shank|weapon) (?:to|into|in) (?:school|college|class)|"
        + I_WILL
        + r" (?:stab|shoot|knife) (?:"
        + YOU
        + r"|him|her|them|every ?one))\b",
    ),
    (
        VIOLENCE,
        4,
        "a threat to hurt someone",
        r"\b(?:" + I_WILL + r"|we(?:'ll| will|'?re going to| are going to|'?re gonna| gonna))"
        r" (?:kill|murder|hurt|beat|batter|punch|smash|break|jump|bang|slap|strangle|find|get) (?:"
        + YOU
        + r"|"
        + YOUR
        + r"|him|her|them)\b(?! in (?:the )?(?:game|fortnite|minecraft|roblox|quiz))|"
        r"\b(?:" + YOU + r"(?:'re| are| r|re)|ur) (?:dead|so dead|getting jumped|gonna get it|"
        r"going to get it|getting battered)\b|"
        r"\bwatch (?:your|ur) back\b|\b(?:see|wait for) " + YOU + r" (?:after school|outside)"
        r" (?:and|then)\b",
    ),
    (
        VIOLENCE,
        3,
        "talk of fighting or weapons",
        r"\b(?:fight (?:after school|outside)|knife|knives|stab|stabbed|stabbing|gun|machete|"
        r"beat (?:him|her|them) up|jump (?:him|her|them))\b",
    ),
    # Sexual content.
    (
        SEXUAL,
        5,
        "asks for sexual images",
        r"\b(?:send|sending|show|want|got any|share|trade) (?:me |us )?(?:some |a |ur |your |any )?"
        r"(?:nudes?|noods?|nudez|noodz|naked (?:pics?|photos?|selfies?|pictures?)|"
        r"(?:boob|tit|dick|nude|body|sexy|private) ?(?:pics?|photos?|selfies?|pictures?))\b",
    ),
    (
        SEXUAL,
        4,
        "sexual talk",
        r"\b(?:horny|porn|porno|pornhub|wank(?:ing)?|masturbat\w*|blow ?job|handjob|"
        r"have sex with|sex with (?:me|you|u)|want to have sex|fuck (?:me|you|u) (?:hard|so)|"
        r"take (?:your|ur|ya) (?:clothes|top|shirt|pants|trousers) off|"
        r"what are (?:you|u) wearing|(?:are you|r u) (?:naked|a virgin)|"
        r"(?:your|ur) (?:body|boobs|tits|bum|ass|legs) (?:is|are|looks?)|"
        r"touch (?:yourself|urself|me)|sext(?:ing)?)\b",
    ),
    (
        SEXUAL,
        3,
        "sexual words",
        r"\b(?:sexy|naked|nude|boobs|tits|dick|penis|vagina|pussy|cock|slut|hoe|thot|"
        r"sex(?! ed\b| education)|sexual(?! reproduction| health| education))\b",
    ),
    # Grooming signs.
    (
        GROOMING,
        4,
        "asks for personal details",
        r"\b(?:(?:what(?:'s|s| is)?|wats|wots|where(?:'s| is)?|tell me|give me|send me|gimme|"
        r"send|dm me|can i (?:have|get)|can you send(?: me)?|could (?:i|you) (?:have|send)(?: me)?)"
        r" (?:me )?(?:" + YOUR + r")(?: own)? " + DETAILS + r"|"
        r"where (?:do|d) (?:you|u) live|what (?:school|street|road|town) (?:do|d) (?:you|u) "
        r"(?:go to|live on|live in|attend|live)|which school (?:do|d) (?:you|u) go to|"
        r"send (?:me )?(?:a |some )?(?:pic|photo|picture|selfie)s?(?: of (?:you|u|urself|"
        r"yourself))?|(?:are|r) (?:you|u) (?:home )?alone)\b",
    ),
    (
        GROOMING,
        4,
        "asks for secrecy",
        r"\b(?:" + DONT + r" (?:tell|show|say to) (?:any ?one|any ?body|ur|your|the teacher|"
        r"a teacher|ya|yo|no ?one|mum|mom|dad|parents)|our (?:little )?secret|"
        r"keep (?:this|it|that) (?:between us|a secret|secret|to yourself|private)|"
        r"(?:just )?between (?:you and me|u and me|us two)|"
        r"delete (?:this|these|the|our|my) (?:message|messages|chat|convo|texts?)|"
        r"(?:no ?one|nobody) (?:has|needs) to know)\b",
    ),
    (
        GROOMING,
        4,
        "moves to a private channel",
        r"\b(?:add me on|follow me on|message me on|msg me on|text me on|dm me on|"
        r"talk on|chat on|find me on|my|what(?:'s|s| is) (?:your|ur)|got|have (?:you|u) got) "
        r"(?:a )?" + APPS + r"\b(?!\s(?:story|filter|lesson|homework))|"
        r"\b(?:dm me|private message me|pm me|message me privately|text me|call me on|"
        r"my number is|ring me|(?:talk|chat|speak) (?:privately|in private|somewhere else|"
        r"alone)|private chat|just (?:you and me|us two) on)\b|"
        r"(?<!\d)(?:\+44 ?7|07)\d{3} ?\d{3} ?\d{3}(?!\d)",
    ),
    (
        GROOMING,
        4,
        "asks to meet offline",
        r"\b(?:meet (?:me |up )?(?:irl|in real life|in person|alone|in secret|"
        r"after school (?:alone|just us)|somewhere private)|(?:come|coming) (?:round |over )?"
        r"(?:to )?(?:my|mine) (?:house|place|flat|car)|come (?:round|over) to mine|"
        + I_WILL
        + r" (?:pick (?:you|u) up|come to (?:yours|your house|ur house))|"
        r"(?:get|jump) in my car|(?:let'?s|lets|wanna|want to) meet up(?! (?:for|at) "
        r"(?:the )?(?:library|project|homework|group|study|revision)))\b",
    ),
    (
        GROOMING,
        3,
        "personal questions",
        r"\b(?:how old (?:are|r) (?:you|u)|(?:are|r) (?:you|u) single|"
        r"do (?:you|u) have a (?:boyfriend|girlfriend|bf|gf)|you'?re (?:so )?mature for)\b",
    ),
    # Extremism.
    (
        EXTREMISM,
        4,
        "supports extremism",
        r"\b(?:heil hitler|sieg heil|hitler (?:was|is) (?:right|a hero|good)|"
        r"white (?:power|pride|genocide)|race war|great replacement|1488|14 88|"
        r"(?:join|support|fight for) (?:isis|isil|daesh|the caliphate|the jihad|al qaeda|"
        r"the kkk|national action|the taliban)|(?:isis|daesh|the kkk) (?:is|are) (?:right|good)|"
        r"death to (?:all )?(?:the )?"
        + GROUPS
        + r"|(?:gas|kill|exterminate) (?:all )?(?:the )?"
        + GROUPS
        + r"|holocaust (?:never happened|was fake|is a lie)|martyrdom)\b",
    ),
    (
        EXTREMISM,
        3,
        "extremist words",
        r"\b(?:isis|daesh|jihad|jihadi|kkk|nazis? (?:are|were) (?:cool|right)|caliphate|"
        r"infidels?|kuffar|zog|remigration)\b",
    ),
    # Discrimination.
    (DISCRIMINATION, 4, "a slur", r"\b" + SLURS + r"\b"),
    (
        DISCRIMINATION,
        4,
        "hate against a group",
        r"\b(?:all )?" + GROUPS + r" (?:are|r) (?:all )?(?:animals|vermin|disgusting|terrorists|"
        r"scum|rats|dirty|evil|subhuman|inferior|parasites|criminals|a disease|the problem|"
        r"useless|worthless|stupid|filth)\b|"
        r"\bi (?:hate|despise) (?:all )?(?:the )?" + GROUPS + r"\b|"
        r"\b(?:go back to (?:your|ur) (?:own )?country|send them (?:all )?back)\b",
    ),
    (
        DISCRIMINATION,
        3,
        "a word used as an insult",
        r"\b(?:that'?s|thats|so|ur|you'?re|u r|ur so|you are) (?:so )?(?:gay|autistic|retarded)\b",
    ),
)

RULES: tuple[Rule, ...] = tuple(
    Rule(category, grade, label, re.compile(pattern)) for category, grade, label, pattern in _RAW
)
