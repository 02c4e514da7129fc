# Atelier bot — English. Every user-facing text lives here; ru.ftl and fa.ftl carry the same ids.

## Command menu (setMyCommands): short descriptions

cmd-start = Start and see what I can do
cmd-help = How to use the bot, with examples
cmd-imagine = Draw an image from a prompt
cmd-video = Make a short looping animation
cmd-ask = Ask a question and get a text answer
cmd-edit = Change a picture: reply to it with /edit and what to change
cmd-new = Start a new conversation for /ask
cmd-cancel = Stop the images and videos still in progress
cmd-style = Choose your default style
cmd-language = Change the language
cmd-stats = Your numbers, with a chart
cmd-usage = Today's usage and when it resets
cmd-tier = Plans, limits and prices in Stars
cmd-feedback = Send feedback to the team
cmd-privacy = What is stored and for how long
cmd-deleteme = Erase everything stored about you
cmd-news = News from the team: /news on or /news off
cmd-chatsettings = Settings for this group (admins)

## Start and help

help-text =
    I turn prompts into images, short animations and text answers.

    🎨 /imagine a dragon over a castle — pick a style, get an image
    ↳ options after the prompt: --ar 16:9 · --n 4 · --seed 7 · --no text · /model picks the image model
    🎬 /video a paper boat on a stormy sea — a short looping animation
    💬 /ask how do rainbows form? — a text answer; follow-up questions remember the last few turns, /new starts afresh

    You can also just send me a text message and I'll draw it.
    📷 Send a photo with a question as its caption and I'll answer about it; reply to a picture with /edit make it winter to change it.
    🎙 Send a voice message: I'll answer it, or draw it when it starts with "draw".

    Under each image: 👍 / 👎 to rate it, ⭐ to keep it (otherwise files are deleted after 24 hours), 🔁 for another variant.

    ⚙️ /style default style · /language language · 📣 /news on|off news from the team
    📊 /stats your numbers · /usage today's usage · ⭐ /tier plans
    ✉️ /feedback your message · 🔒 /privacy · 🗑 /deleteme
start-text =
    👋 Hi! I'm Atelier.
    { help-text }

## Usage hints for commands that need text

imagine-usage = Tell me what to draw, for example: /imagine a lighthouse at dawn
video-usage = Tell me what to animate, for example: /video a paper boat on a stormy sea
ask-usage = Ask me something, for example: /ask why is the sky blue?
feedback-usage = Write your feedback after the command, for example: /feedback the anime style is great
unknown-command = I don't know that command. /help shows what I can do.

## Picking a style and generating

pick-style = Pick a style:
button-my-default = ✨ My default style
pending-expired = This request has expired. Please send your prompt again.
working-image = 🎨 Drawing in the { $style } style…
working-video = 🎬 Animating in the { $style } style…
working-default = ⏳ Working on it…
progress-queued = ⏳ Queued: { $position ->
    [1] you are next
   *[other] number { $position } in line
}
progress-running = 🎨 Working on it…
progress-percent = 🎨 Working on it: { $percent }%
button-cancel = ✖ Cancel
cancelled = ✖ Cancelled. It did not count against your daily quota.
cancel-too-late = That one has already finished.
cancel-done = ✖ Cancelled { $count ->
    [one] one job
   *[other] { $count } jobs
}; they did not count against your daily quota.
cancel-none = Nothing is in progress right now.
error-busy = ⏳ Too many requests are waiting right now. Please try again in { $retry } s.
error-interrupted = ⚠️ This one was interrupted by a server restart. Please try again.
caption-result = 🎨 { $style } · 🏷 { $theme } · ⏱ { NUMBER($seconds, maximumFractionDigits: 1) } s
button-up = 👍
button-down = 👎
button-keep = ⭐ Keep
button-variant = 🔁 Another variant
rated-up = Thanks! Glad you like it.
rated-down = Thanks, noted. Try 🔁 for another variant.
kept = ⭐ Kept: this file won't be deleted after 24 hours.
media-gone = That file is no longer available: generated files are deleted after 24 hours unless kept.

## Ask

ask-no-provider = 💬 Text answers aren't set up on this Atelier yet (no text provider is configured). Images and animations work: try /imagine.
new-done =
    { $count ->
        [0] 🆕 New conversation started.
        [one] 🆕 New conversation started: { $count } earlier message forgotten.
       *[other] 🆕 New conversation started: { $count } earlier messages forgotten.
    }

## Preferences

style-pick = Choose your default style:
style-set = ✅ Your default style is now { $style }.
language-pick = Choose your language:
language-set = ✅ I'll speak English with you now.

## Stats and usage

stats-empty = 📊 No generations yet. Try /imagine a cat astronaut!
stats-caption =
    📊 Your numbers
    Generations by kind:
    { $kinds }
    Favourite styles:
    { $styles }
    Favourite themes: { $themes }
    Today: { $todayRequests } requests, { $todayTokens } tokens, { $todayCost }
    In total: { $totalRequests } requests, { $totalTokens } tokens, { $totalCost }
stats-line = { $square } { $name }: { $count }
stats-none = —
stats-chart-title = Your requests, last { $days } days
stats-chart-x = Day (UTC)
stats-chart-y = Requests
list-separator = {", "}
usage-text =
    📈 Today ({ $day }, UTC), tier { $tier }: { $requests } requests (at most { $perMinute } a minute)
    🎨 images: { $images } of { $imagesLimit } · 🎬 animations: { $videos } of { $videosLimit } · 💬 answers: { $texts }
    Tokens: { $tokens } of { $tokensLimit } · cost: { $cost }
    Counters reset at 00:00 UTC, in { $hours } h { $minutes } min.

## Feedback

feedback-thanks = ✉️ Thank you! Your feedback was saved (contact details are removed before storing).
feedback-invalid = I couldn't save that feedback: it is empty or too long.

## Privacy and erasure

privacy-text =
    🔒 What Atelier stores
    • You are known only by a keyed hash of your Telegram id: no name, username or raw id is stored.
    • Each request keeps its kind, style, theme, timing and cost. Your prompt is kept only redacted (emails, phones, links, @handles and long numbers removed) and for at most { $promptHours } { $promptHours ->
        [one] hour
       *[other] hours
    }.
    • Generated files are deleted { $mediaHours ->
        [0] right after delivery
       *[other] after { $mediaHours } hours
    } unless you press ⭐ Keep.
    • Photos and voice messages you send me are deleted like generated files; what a voice message says is kept only like a prompt (redacted, for the same time).
    • While an image or video is being made, the chat to send it to is kept encrypted with a key only the bot holds, and erased once it is delivered.
    • If you subscribe with /news on, where to send the news is kept encrypted the same way until /news off.
    • A one-off text answer is never stored. In an /ask conversation your questions and the answers are kept redacted (like prompts) for at most { $promptHours } { $promptHours ->
        [one] hour
       *[other] hours
    }, so follow-ups have context; /new forgets them sooner.
    • Feedback is stored with contact details removed.
    • Payments keep the plan, the amount in Stars, the dates and Telegram's payment id, so a payment applies once and can be refunded.

    /deleteme erases all of it at once. Encrypted backups of the database keep a copy until they are replaced by newer ones.
deleteme-confirm = 🗑 This erases your requests, files, feedback, conversation and usage counters. It cannot be undone. Continue?
button-delete-confirm = 🗑 Yes, erase everything
button-delete-cancel = Cancel
deleteme-cancelled = Nothing was erased.
deleteme-done =
    ✅ Erased: { $generations } requests, { $media } files, { $feedback } feedback messages, { $turns } conversation turns, { $days } days of usage counters.

## Errors

error-prompt-empty = Your prompt is empty. Tell me what to make.
error-prompt-too-long = Your prompt is too long: please keep it under { $max } characters.
error-prompt-control = Your prompt contains characters I can't use. Please retype it.
error-prompt-unknown-style = I don't know that style. Pick one from the list.
error-prompt-refused = The provider refused this prompt under its content policy. Try rephrasing it.
error-provider-missing = That kind of generation isn't set up on this Atelier yet.
error-provider-busy =
    { $retry ->
        [0] The generator is busy right now. Please try again in a moment.
       *[other] The generator is busy right now. Please try again in { $retry } s.
    }
error-provider-failed =
    { $retry ->
        [0] The generator failed this time. Please try again in a moment.
       *[other] The generator failed this time. Please try again in { $retry } s.
    }
error-not-found = I can't find that result any more.
error-rate-limited = ⏳ Too many requests. Try again in { $retry } s.
error-quota-exceeded = 📉 You've used today's quota. It resets at { $reset } UTC.
news-usage = 📣 Send /news on to get occasional news from the team here, /news off to stop.
news-on = 📣 You'll get news from the team here. /news off stops it.
news-off = 🔕 No more news. /news on starts it again.
error-access-denied = 🔒 This bot is not open to you. If you think that is a mistake, ask the people who run it.
error-api-unavailable = 🛠 Atelier is unavailable right now. Please try again in a minute.
error-unexpected = 😔 Sorry, something went wrong. If it keeps happening, quote this reference: { $ref }

## Catalog names (style and theme ids from the API)

style-photo = Photo
style-anime = Anime
style-oil-painting = Oil painting
style-pixel-art = Pixel art
style-watercolor = Watercolor
style-cyberpunk = Cyberpunk
style-fantasy-art = Fantasy art
style-sketch = Sketch
style-low-poly = Low poly
style-line-art = Line art
theme-fantasy = fantasy
theme-sci-fi = sci-fi
theme-nature = nature
theme-portrait = portrait
theme-animals = animals
theme-architecture = architecture
theme-food = food
theme-abstract = abstract
theme-other = other
kind-image = images
kind-video = animations
kind-text = answers

## Language names, each in its own language (the same in every file)

language-en = 🇬🇧 English
language-ru = 🇷🇺 Русский
language-fa = 🇮🇷 فارسی

## Plans and payments (Telegram Stars)

tier-free = Free
tier-plus = Plus
tier-pro = Pro
tier-current = ⭐ Your plan: { $tier }
tier-current-until = ⭐ Your plan: { $tier }, until { $until }
tier-entry =
    { $current ->
        [yes] ✅
       *[other] ▫️
    } { $name } — { $price }
    { $rpm } requests a minute · a day: { $images } images, { $videos } animations, { $tokens } text tokens · cost cap { $cost }
tier-price = { $stars } ⭐ for { $days } days
tier-price-free = free
tier-no-cost-cap = none
tier-buy-hint = Pay with Telegram Stars: pick a plan below. A new purchase of your current plan extends it.
button-buy-tier = { $name } · { $stars } ⭐ / { $days } days
tier-unknown = That plan is no longer offered. /tier shows the current ones.
invoice-title = Atelier { $name }
invoice-label = { $name }, { $days } days
invoice-description = { $days } days of { $name }: { $rpm } requests a minute; { $images } images, { $videos } animations and { $tokens } text tokens a day.
precheckout-invalid = This invoice is out of date: the plan or its price has changed. Open /tier for a new one.
precheckout-unavailable = Atelier can't take payments right now. Nothing was charged; please try again in a minute.
payment-done = ✅ Thank you! Your plan is now { $tier }, until { $until }.
payment-already-applied = ✅ This payment was already applied: your plan is { $tier }, until { $until }.
payment-refused = 😔 This payment couldn't be applied, so it was refunded: { $stars } ⭐ are back on your balance. /tier shows the current plans.
payment-unavailable = 😔 Atelier couldn't record your payment right now, so it was refunded: { $stars } ⭐ are back on your balance. Please try again in a few minutes.
refund-done = ↩️ Your payment of { $stars } ⭐ was refunded. Your plan is now { $tier }.
refund-noted = ↩️ Your payment of { $stars } ⭐ was refunded.

## Inline mode (@bot a prompt, in any chat)

inline-hint = Type what to draw after the bot's name
inline-draw-default = 🎨 Draw it in my default style
inline-draw-style = 🎨 Draw it as { $style }
inline-drawing = 🎨 Drawing: { $prompt }
inline-open-bot = Open Atelier
inline-start-first = 🖼 Your picture is ready, but I can only show it here once you have started a chat with me: open { $bot }, press Start, and try again.

## Group settings (/chatsettings, chat admins only)

chat-settings-text =
    ⚙️ My settings in this chat
    🎨 Style for "my default": { $style }
    🌐 Language: { $language }
    👥 Who may use me: { $who }
chat-settings-each = each member's own
chat-who-everyone = everyone
chat-who-admins = admins only
button-chat-each = 👤 Each member's own
button-chat-everyone = 👥 Everyone
button-chat-admins = 🛡 Admins only
button-chat-style = 🎨 Style…
button-back = ⬅️ Back
chat-settings-saved = ✅ Saved
chat-settings-invalid = That choice is no longer available. Send /chatsettings again.
chat-settings-admins-only = Only this chat's admins can change my settings here.
chat-settings-groups-only = /chatsettings is for groups: add me to a group and send it there as an admin. Your own settings are /style and /language.
chat-admins-only = In this chat only admins may use me.

## Photos, voice messages and /edit

photo-hint = 📷 Nice photo! Add a question as its caption and I'll answer about it, or the caption /edit and what to change (for example /edit make it winter).
edit-usage = Reply to a picture with /edit and what to change, for example: /edit make it winter. Or send a photo with that as its caption.
voice-heard = 🎙 I heard: { $text }
# Words that make a voice message a drawing request when it starts with one of them (comma-separated, lower case).
voice-imagine-words = draw, imagine, paint
voice-unavailable = 🎙 I can't listen to voice messages here yet. Please type your message instead.
media-too-large = That file is too big for me. Please send a smaller one.
media-unsupported = I can't read that file. Send a photo or a voice message.
media-input-gone = That picture or recording is no longer available. Please send it again.
edit-unsupported = The image service here can't edit pictures. Try /imagine with a description instead.
vision-unsupported = The model here can't look at pictures. Please describe it in words.

## Image options (flags after the prompt) and albums

imagine-flags-help = Options go after the prompt: --ar 16:9 (also 1:1, 2:3, 3:2, 9:16) · --n 4 for up to four images · --seed 7 to repeat a picture · --no text, watermark to leave things out.
imagine-flags-invalid = { $problem ->
    [bad-ratio] I don't know the aspect ratio { $flag }. Use one of { $ratios }.
    [bad-number] { $flag } needs a whole number.
    [missing-value] { $flag } needs a value after it.
   *[other] I don't know the option { $flag }.
}
error-option = { $field ->
    [count] You can ask for 1 to 4 images at a time.
    [seed] The seed must be a whole number from 0 to 2147483647.
    [aspectRatio] I don't know that aspect ratio.
    [negativePrompt] I can't use that negative prompt: keep it short and in plain text.
   *[other] I can't use that option.
}
pick-style-with-options = Pick a style ({ $options }):
ratio-square = 1:1 square
ratio-portrait = 2:3 portrait
ratio-landscape = 3:2 landscape
ratio-wide = 16:9 wide
ratio-tall = 9:16 tall
option-count = { $count ->
    [one] one image
   *[other] { $count } images
}
option-seed = seed { $seed }
option-negative = without: { $text }
album-actions = ☝️ { $count } images: rate them, keep them or ask for another variant.

## /model

cmd-model = Choose the image model
model-pick = Which image model should I try first? If it can't serve, the next one in line takes over.
model-auto = ⚙️ Automatic (the bot's own order)
model-current = ✓ { $name }
model-offline = { $name } (offline, not AI)
model-set = ✅ Images now come from { $name } first.
model-reset = ✅ Images follow the bot's own order again.
model-unknown = That model is no longer available here. Pick one from the list.
