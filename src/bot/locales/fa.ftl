# ربات Atelier — فارسی. همان شناسه‌های en.ftl.
# Right-to-left: commands and other Latin runs are written as string placeables ({ "/imagine" }) so that
# Fluent wraps them in bidi isolates (FSI…PDI), like every variable; the slash then stays on its command's left.

## منوی فرمان‌ها (setMyCommands)

cmd-start = شروع و آشنایی با توانایی‌های من
cmd-help = راهنمای استفاده، با مثال
cmd-imagine = کشیدن تصویر از روی توضیح
cmd-video = ساختن یک پویانمایی کوتاه تکرارشونده
cmd-ask = پرسیدن یک سؤال و گرفتن پاسخ متنی
cmd-new = شروع گفت‌وگوی تازه برای پرسش‌ها
cmd-cancel = توقف تصویرها و ویدیوهای در حال ساخت
cmd-style = انتخاب سبک پیش‌فرض
cmd-language = تغییر زبان
cmd-stats = آمار شما، با نمودار
cmd-usage = مصرف امروز و زمان صفر شدن آن
cmd-tier = طرح‌ها، محدودیت‌ها و قیمت به ستاره
cmd-feedback = فرستادن بازخورد برای تیم
cmd-privacy = چه چیزی و تا کی نگه داشته می‌شود
cmd-deleteme = پاک کردن همهٔ داده‌های شما
cmd-news = اخبار تیم: { "/news on" } یا { "/news off" }
cmd-chatsettings = تنظیمات این گروه (مدیران)

## شروع و راهنما

help-text =
    من توضیح‌های شما را به تصویر، پویانمایی کوتاه و پاسخ متنی تبدیل می‌کنم.

    🎨 { "/imagine" } اژدهایی بر فراز یک قلعه — سبک را انتخاب کنید و تصویر بگیرید
    🎬 { "/video" } قایق کاغذی در دریای طوفانی — یک پویانمایی کوتاه تکرارشونده
    💬 { "/ask" } رنگین‌کمان چطور درست می‌شود؟ — پاسخ متنی؛ پرسش‌های بعدی چند پیام آخر را به یاد دارند و { "/new" } از نو شروع می‌کند

    می‌توانید فقط یک پیام متنی بفرستید تا آن را بکشم.

    زیر هر تصویر: 👍 / 👎 برای امتیاز، ⭐ برای نگه‌داشتن (وگرنه فایل‌ها پس از ۲۴ ساعت پاک می‌شوند)، 🔁 برای نسخه‌ای دیگر.

    ⚙️ { "/style" } سبک پیش‌فرض · { "/language" } زبان · 📣 { "/news on|off" } اخبار تیم
    📊 { "/stats" } آمار شما · { "/usage" } مصرف امروز · ⭐ { "/tier" } طرح‌ها
    ✉️ { "/feedback" } پیام شما · 🔒 { "/privacy" } · 🗑 { "/deleteme" }
start-text =
    👋 سلام! من Atelier هستم.
    { help-text }

## راهنمای فرمان‌هایی که متن لازم دارند

imagine-usage = بنویسید چه بکشم، برای مثال: { "/imagine" } فانوس دریایی در سپیده‌دم
video-usage = بنویسید چه چیزی را متحرک کنم، برای مثال: { "/video" } قایق کاغذی در دریای طوفانی
ask-usage = چیزی بپرسید، برای مثال: { "/ask" } چرا آسمان آبی است؟
feedback-usage = بازخوردتان را بعد از فرمان بنویسید، برای مثال: { "/feedback" } سبک انیمه عالی است
unknown-command = این فرمان را نمی‌شناسم. { "/help" } نشان می‌دهد چه کارهایی از من برمی‌آید.

## انتخاب سبک و ساختن

pick-style = یک سبک انتخاب کنید:
button-my-default = ✨ سبک پیش‌فرض من
pending-expired = این درخواست منقضی شده است. لطفاً توضیح را دوباره بفرستید.
working-image = 🎨 در حال کشیدن با سبک { $style }…
working-video = 🎬 در حال متحرک‌سازی با سبک { $style }…
working-default = ⏳ در حال انجام…
progress-queued = ⏳ در صف: { $position ->
    [1] نفر بعدی شما هستید
   *[other] نوبت { $position }
}
progress-running = 🎨 در حال ساخت…
progress-percent = 🎨 در حال ساخت: { $percent }٪
button-cancel = ✖ لغو
cancelled = ✖ لغو شد و از سهمیهٔ روزانهٔ شما کم نشد.
cancel-too-late = این یکی پیش‌تر تمام شده است.
cancel-done = ✖ { $count } کار لغو شد و از سهمیهٔ روزانهٔ شما کم نشد.
cancel-none = اکنون کاری در حال انجام نیست.
error-busy = ⏳ اکنون درخواست‌های زیادی در صف هستند. لطفاً { $retry } ثانیهٔ دیگر دوباره تلاش کنید.
error-interrupted = ⚠️ این کار با راه‌اندازی دوبارهٔ سرور قطع شد. لطفاً دوباره تلاش کنید.
caption-result = 🎨 { $style } · 🏷 { $theme } · ⏱ { NUMBER($seconds, maximumFractionDigits: 1) } ثانیه
button-up = 👍
button-down = 👎
button-keep = ⭐ نگه‌دار
button-variant = 🔁 نسخه‌ای دیگر
rated-up = ممنون! خوشحالم که پسندیدید.
rated-down = ممنون، ثبت شد. 🔁 را برای نسخه‌ای دیگر امتحان کنید.
kept = ⭐ نگه داشته شد: این فایل پس از ۲۴ ساعت پاک نمی‌شود.
media-gone = این فایل دیگر در دسترس نیست: فایل‌های ساخته‌شده پس از ۲۴ ساعت پاک می‌شوند، مگر آنکه نگه داشته شوند.

## پرسش

ask-no-provider = 💬 پاسخ متنی هنوز در این Atelier راه‌اندازی نشده است (هیچ ارائه‌دهندهٔ متنی تنظیم نشده). تصویر و پویانمایی کار می‌کنند: { "/imagine" } را امتحان کنید.
new-done =
    { $count ->
        [0] 🆕 گفت‌وگوی تازه شروع شد.
       *[other] 🆕 گفت‌وگوی تازه شروع شد: { $count } پیام قبلی فراموش شد.
    }

## تنظیمات

style-pick = سبک پیش‌فرض خود را انتخاب کنید:
style-set = ✅ سبک پیش‌فرض شما اکنون { $style } است.
language-pick = زبان خود را انتخاب کنید:
language-set = ✅ از این پس با شما فارسی صحبت می‌کنم.

## آمار و مصرف

stats-empty = 📊 هنوز چیزی ساخته نشده است. { "/imagine" } یک گربهٔ فضانورد را امتحان کنید!
stats-caption =
    📊 آمار شما
    ساخته‌ها بر اساس نوع:
    { $kinds }
    سبک‌های محبوب:
    { $styles }
    موضوع‌های محبوب: { $themes }
    امروز: { $todayRequests } درخواست، { $todayTokens } توکن، { $todayCost }
    در مجموع: { $totalRequests } درخواست، { $totalTokens } توکن، { $totalCost }
stats-line = { $square } { $name }: { $count }
stats-none = —
stats-chart-title = درخواست‌های شما در { $days } روز گذشته
stats-chart-x = روز (UTC)
stats-chart-y = درخواست‌ها
list-separator = {"، "}
usage-text =
    📈 امروز ({ $day }، UTC)، طرح { $tier }: { $requests } درخواست (حداکثر { $perMinute } در دقیقه)
    🎨 تصویر: { $images } از { $imagesLimit } · 🎬 پویانمایی: { $videos } از { $videosLimit } · 💬 پاسخ: { $texts }
    توکن: { $tokens } از { $tokensLimit } · هزینه: { $cost }
    شمارنده‌ها ساعت ۰۰:۰۰ به وقت UTC صفر می‌شوند، { $hours } ساعت و { $minutes } دقیقهٔ دیگر.

## بازخورد

feedback-thanks = ✉️ ممنون! بازخورد شما ذخیره شد (اطلاعات تماس پیش از ذخیره حذف می‌شود).
feedback-invalid = نتوانستم این بازخورد را ذخیره کنم: خالی یا بیش از حد طولانی است.

## حریم خصوصی و پاک‌سازی

privacy-text =
    🔒 آنچه Atelier نگه می‌دارد
    • شما فقط با یک هش کلیددار از شناسهٔ تلگرامتان شناخته می‌شوید: نام، نام کاربری یا خود شناسه ذخیره نمی‌شود.
    • برای هر درخواست نوع، سبک، موضوع، زمان و هزینه نگه داشته می‌شود. توضیح شما فقط به‌صورت پاک‌سازی‌شده (بدون ایمیل، تلفن، پیوند، @شناسه و عددهای بلند) و حداکثر { $promptHours } ساعت نگه داشته می‌شود.
    • فایل‌های ساخته‌شده { $mediaHours ->
        [0] بلافاصله پس از تحویل
       *[other] پس از { $mediaHours } ساعت
    } پاک می‌شوند، مگر آنکه ⭐ نگه‌دار را بزنید.
    • تا وقتی تصویر یا ویدیو ساخته می‌شود، گفت‌وگویی که باید به آن فرستاده شود رمزگذاری‌شده با کلیدی که فقط ربات دارد نگه داشته می‌شود و پس از تحویل پاک می‌شود.
    • اگر با { "/news on" } مشترک شوید، مقصد اخبار به همین شکل رمزگذاری‌شده نگه داشته می‌شود تا { "/news off" }.
    • پاسخ متنی تکی هرگز ذخیره نمی‌شود. در گفت‌وگوی { "/ask" } پرسش‌های شما و پاسخ‌ها به‌صورت پاک‌سازی‌شده (مانند توضیح‌ها) حداکثر { $promptHours } ساعت نگه داشته می‌شوند تا پرسش‌های بعدی زمینه داشته باشند؛ { "/new" } زودتر فراموششان می‌کند.
    • بازخوردها بدون اطلاعات تماس ذخیره می‌شوند.
    • برای پرداخت‌ها طرح، مبلغ به ستاره، تاریخ‌ها و شناسهٔ پرداخت تلگرام نگه داشته می‌شود تا هر پرداخت فقط یک بار اعمال شود و قابل بازگرداندن باشد.

    { "/deleteme" } همهٔ این‌ها را یک‌جا پاک می‌کند. نسخه‌های پشتیبان رمزگذاری‌شدهٔ پایگاه داده تا وقتی نسخه‌های تازه‌تر جایشان را بگیرند یک رونوشت نگه می‌دارند.
deleteme-confirm = 🗑 درخواست‌ها، فایل‌ها، بازخوردها، گفت‌وگو و شمارنده‌های مصرف شما پاک می‌شوند. این کار برگشت‌پذیر نیست. ادامه می‌دهید؟
button-delete-confirm = 🗑 بله، همه را پاک کن
button-delete-cancel = انصراف
deleteme-cancelled = چیزی پاک نشد.
deleteme-done =
    ✅ پاک شد: { $generations } درخواست، { $media } فایل، { $feedback } بازخورد، { $turns } پیام گفت‌وگو، { $days } روز شمارندهٔ مصرف.

## خطاها

error-prompt-empty = توضیح شما خالی است. بنویسید چه بسازم.
error-prompt-too-long = توضیح شما بیش از حد طولانی است: لطفاً کمتر از { $max } نویسه بنویسید.
error-prompt-control = توضیح شما نویسه‌هایی دارد که نمی‌توانم به کار ببرم. لطفاً دوباره تایپش کنید.
error-prompt-unknown-style = این سبک را نمی‌شناسم. یکی را از فهرست انتخاب کنید.
error-prompt-refused = ارائه‌دهنده این توضیح را طبق سیاست محتوایش نپذیرفت. آن را به شکل دیگری بنویسید.
error-provider-missing = این نوع ساختن هنوز در این Atelier راه‌اندازی نشده است.
error-provider-busy =
    { $retry ->
        [0] سازنده اکنون مشغول است. لطفاً کمی بعد دوباره امتحان کنید.
       *[other] سازنده اکنون مشغول است. لطفاً { $retry } ثانیهٔ دیگر دوباره امتحان کنید.
    }
error-provider-failed =
    { $retry ->
        [0] سازنده این بار موفق نشد. لطفاً کمی بعد دوباره امتحان کنید.
       *[other] سازنده این بار موفق نشد. لطفاً { $retry } ثانیهٔ دیگر دوباره امتحان کنید.
    }
error-not-found = دیگر نمی‌توانم این نتیجه را پیدا کنم.
error-rate-limited = ⏳ درخواست‌ها بیش از حد زیاد است. { $retry } ثانیهٔ دیگر دوباره امتحان کنید.
error-quota-exceeded = 📉 سهمیهٔ امروزتان تمام شده است. ساعت { $reset } به وقت UTC تازه می‌شود.
news-usage = 📣 برای دریافت گاه‌به‌گاه اخبار تیم { "/news on" } و برای توقف آن { "/news off" } را بفرستید.
news-on = 📣 اخبار تیم اینجا برایتان فرستاده می‌شود. { "/news off" } آن را متوقف می‌کند.
news-off = 🔕 دیگر خبری فرستاده نمی‌شود. { "/news on" } دوباره آن را روشن می‌کند.
error-access-denied = 🔒 این ربات برای شما در دسترس نیست. اگر فکر می‌کنید اشتباهی رخ داده، با گردانندگان آن تماس بگیرید.
error-api-unavailable = 🛠 Atelier اکنون در دسترس نیست. لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید.
error-unexpected = 😔 متأسفم، مشکلی پیش آمد. اگر تکرار شد، این کد را بفرستید: { $ref }

## نام‌های فهرست

style-photo = عکس
style-anime = انیمه
style-oil-painting = نقاشی رنگ روغن
style-pixel-art = پیکسل‌آرت
style-watercolor = آبرنگ
style-cyberpunk = سایبرپانک
style-fantasy-art = هنر فانتزی
style-sketch = طراحی
style-low-poly = لوپلی
style-line-art = طراحی خطی
theme-fantasy = فانتزی
theme-sci-fi = علمی‌تخیلی
theme-nature = طبیعت
theme-portrait = چهره
theme-animals = حیوانات
theme-architecture = معماری
theme-food = غذا
theme-abstract = انتزاعی
theme-other = دیگر
kind-image = تصویر
kind-video = پویانمایی
kind-text = پاسخ

## نام زبان‌ها، هر کدام به زبان خودش

language-en = 🇬🇧 English
language-ru = 🇷🇺 Русский
language-fa = 🇮🇷 فارسی

## طرح‌ها و پرداخت (ستاره‌های تلگرام)

tier-free = رایگان
tier-plus = پلاس
tier-pro = پرو
tier-current = ⭐ طرح شما: { $tier }
tier-current-until = ⭐ طرح شما: { $tier }، تا { $until }
tier-entry =
    { $current ->
        [yes] ✅
       *[other] ▫️
    } { $name } — { $price }
    { $rpm } درخواست در دقیقه · در روز: { $images } تصویر، { $videos } پویانمایی، { $tokens } توکن متنی · سقف هزینه { $cost }
tier-price = { $stars } ⭐ برای { $days } روز
tier-price-free = رایگان
tier-no-cost-cap = ندارد
tier-buy-hint = پرداخت با ستاره‌های تلگرام: یکی از طرح‌های زیر را انتخاب کنید. خرید دوبارهٔ طرح فعلی آن را تمدید می‌کند.
button-buy-tier = { $name } · { $stars } ⭐ / { $days } روز
tier-unknown = این طرح دیگر ارائه نمی‌شود. { "/tier" } طرح‌های فعلی را نشان می‌دهد.
invoice-title = Atelier { $name }
invoice-label = { $name }، { $days } روز
invoice-description = { $days } روز { $name }: { $rpm } درخواست در دقیقه؛ در روز { $images } تصویر، { $videos } پویانمایی و { $tokens } توکن متنی.
precheckout-invalid = این صورت‌حساب قدیمی است: طرح یا قیمت آن تغییر کرده است. برای صورت‌حساب تازه { "/tier" } را باز کنید.
precheckout-unavailable = Atelier اکنون نمی‌تواند پرداخت بپذیرد. چیزی کسر نشد؛ لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید.
payment-done = ✅ ممنون! طرح شما اکنون { $tier } است، تا { $until }.
payment-already-applied = ✅ این پرداخت پیش‌تر اعمال شده است: طرح شما { $tier } است، تا { $until }.
payment-refused = 😔 این پرداخت اعمال نشد، پس بازگردانده شد: { $stars } ⭐ به موجودی شما برگشت. { "/tier" } طرح‌های فعلی را نشان می‌دهد.
payment-unavailable = 😔 Atelier اکنون نتوانست پرداخت شما را ثبت کند، پس بازگردانده شد: { $stars } ⭐ به موجودی شما برگشت. لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
refund-done = ↩️ پرداخت { $stars } ⭐ شما بازگردانده شد. طرح شما اکنون { $tier } است.
refund-noted = ↩️ پرداخت { $stars } ⭐ شما بازگردانده شد.

## حالت درون‌خطی (‎@ربات توضیح، در هر گفتگویی)

inline-hint = بعد از نام ربات بنویسید چه بکشم
inline-draw-default = 🎨 با سبک پیش‌فرض من بکش
inline-draw-style = 🎨 با سبک { $style } بکش
inline-drawing = 🎨 در حال کشیدن: { $prompt }
inline-open-bot = باز کردن Atelier
inline-start-first = 🖼 تصویر آماده است، اما فقط وقتی می‌توانم آن را اینجا نشان دهم که گفتگویی با من شروع کرده باشید: { $bot } را باز کنید، «شروع» را بزنید و دوباره امتحان کنید.

## تنظیمات گروه ({ "/chatsettings" }، فقط مدیران گفتگو)

chat-settings-text =
    ⚙️ تنظیمات من در این گفتگو
    🎨 سبک «پیش‌فرض»: { $style }
    🌐 زبان: { $language }
    👥 چه کسانی می‌توانند از من استفاده کنند: { $who }
chat-settings-each = انتخاب خود هر عضو
chat-who-everyone = همه
chat-who-admins = فقط مدیران
button-chat-each = 👤 انتخاب خود هر عضو
button-chat-everyone = 👥 همه
button-chat-admins = 🛡 فقط مدیران
button-chat-style = 🎨 سبک…
button-back = ⬅️ بازگشت
chat-settings-saved = ✅ ذخیره شد
chat-settings-invalid = این گزینه دیگر در دسترس نیست. دوباره { "/chatsettings" } را بفرستید.
chat-settings-admins-only = فقط مدیران این گفتگو می‌توانند تنظیمات من را اینجا تغییر دهند.
chat-settings-groups-only = { "/chatsettings" } برای گروه‌هاست: مرا به یک گروه اضافه کنید و آن را به‌عنوان مدیر آنجا بفرستید. تنظیمات خودتان { "/style" } و { "/language" } است.
chat-admins-only = در این گفتگو فقط مدیران می‌توانند از من استفاده کنند.
