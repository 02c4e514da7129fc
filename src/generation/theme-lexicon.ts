/**
 * Keyword lexicon for the theme classifier (see themes.ts for how it is matched).
 *
 * - `en`: whole words; regular plurals (-s, -es, -ies, -ves) are generated, irregular ones are listed.
 * - `ru`: stems; a token matches a stem followed by one of RU_ENDINGS, which covers case and number
 *   (дракон → драконы, драконом). Stems are written with е for ё, as normalizePrompt folds ё.
 * - `ruWords`: Russian whole words, for stems that would also match unrelated words (лев → левый).
 * - `fa`: whole words; FA_SUFFIXES (plural ها/ان, ezafe/indefinite ی) are generated.
 * Entries with a space are phrases and win over their single words (بشقاب پرنده is a UFO, not a bird).
 * All entries go through normalizePrompt, so Arabic-keyboard spellings and ZWNJ are handled once there.
 */
import type { Theme } from './themes.ts';

export interface ThemeWords {
  en: readonly string[];
  ru: readonly string[];
  ruWords: readonly string[];
  fa: readonly string[];
}

/** Case and number endings for nouns and adjectives; a stem plus one of these is a form of the word. */
export const RU_ENDINGS: readonly string[] = [
  '', 'а', 'я', 'о', 'е', 'ы', 'и', 'у', 'ю', 'ь', 'й',
  'ой', 'ей', 'ом', 'ем', 'ам', 'ям', 'ах', 'ях', 'ов', 'ев', 'ами', 'ями', 'ою', 'ею', 'ью',
  'ый', 'ий', 'ая', 'яя', 'ое', 'ее', 'ые', 'ие', 'ого', 'его', 'ому', 'ему', 'ую', 'юю', 'ых', 'их', 'ым', 'им', 'ыми', 'ими',
  'ья', 'ьи', 'ье', 'ьев', 'ьям', 'ьями', 'ьях', 'ьей',
];

/** Plural (ها, ان, ات), plural + ezafe (های), indefinite/ezafe (ی, ای, یی). */
export const FA_SUFFIXES: readonly string[] = ['ها', 'های', 'هایی', 'ان', 'ات', 'ی', 'ای', 'یی'];

/** Generated forms that are everyday words of another meaning: صورت+ی is "pink", not "face"; شخص+ی is "personal". */
export const NOT_THEME_WORDS: readonly string[] = ['صورتی', 'شخصی'];

export const THEME_LEXICON: Readonly<Record<Exclude<Theme, 'other'>, ThemeWords>> = {
  fantasy: {
    en: [
      'dragon', 'wizard', 'witch', 'elf', 'elves', 'dwarf', 'dwarves', 'orc', 'goblin', 'unicorn', 'fairy', 'magic',
      'magical', 'spell', 'sorcerer', 'sorceress', 'mage', 'knight', 'sword', 'enchanted', 'mythical', 'griffin',
      'gryphon', 'phoenix', 'troll', 'ogre', 'necromancer', 'potion', 'fantasy', 'paladin', 'rune', 'dungeon',
      'mermaid', 'centaur', 'pegasus', 'hobbit', 'warlock', 'druid', 'spellbook', 'wand', 'demon', 'vampire',
      'werewolf', 'werewolves',
    ],
    ru: [
      'дракон', 'волшебник', 'волшебниц', 'волшебн', 'ведьм', 'колдун', 'колдовск', 'чародей', 'маг', 'магическ',
      'маги', 'заклинани', 'эльф', 'эльфийск', 'гном', 'орк', 'гоблин', 'единорог', 'рыцар', 'меч', 'фэнтези',
      'тролл', 'огр', 'феникс', 'грифон', 'русалк', 'кентавр', 'некромант', 'зель', 'сказочн', 'мифическ',
      'подземель', 'пегас', 'хоббит', 'друид', 'посох', 'демон', 'вампир', 'оборотн',
    ],
    ruWords: ['фея', 'феи', 'фей', 'фею', 'феей', 'феями', 'феях', 'оборотень'],
    fa: [
      'اژدها', 'جادوگر', 'جادو', 'جادویی', 'جادوگری', 'ساحره', 'پری', 'پری دریایی', 'شوالیه', 'شمشیر', 'افسانه',
      'اسطوره', 'ققنوس', 'سیمرغ', 'دیو', 'غول', 'طلسم', 'افسون', 'فانتزی', 'کوتوله', 'گابلین', 'اورک', 'معجون', 'جن',
      'تک شاخ', 'تکشاخ', 'اسب تک شاخ', 'خون آشام', 'گرگینه', 'سحر',
    ],
  },
  'sci-fi': {
    en: [
      'spaceship', 'spacecraft', 'starship', 'robot', 'android', 'cyborg', 'alien', 'galaxy', 'planet', 'astronaut',
      'cosmonaut', 'laser', 'futuristic', 'future', 'space station', 'hologram', 'mech', 'rocket', 'nebula', 'ufo',
      'sci fi', 'scifi', 'science fiction', 'interstellar', 'dystopian', 'dystopia', 'time machine', 'teleport',
      'exoskeleton', 'martian', 'cosmos', 'satellite', 'lightsaber', 'droid', 'cyberpunk', 'spaceport', 'outer space',
      'space',
    ],
    ru: [
      'космическ', 'космос', 'космонавт', 'астронавт', 'робот', 'андроид', 'киборг', 'инопланетян', 'пришельц',
      'галактик', 'планет', 'звездолет', 'ракет', 'футуристичн', 'футуристическ', 'будущ', 'лазер', 'голограмм',
      'фантастик', 'антиутопи', 'спутник', 'киберпанк', 'туманност', 'марсиан', 'межзвездн', 'экзоскелет',
      'телепорт', 'бластер', 'дроид', 'орбит',
    ],
    ruWords: ['пришелец', 'инопланетянин', 'марсианин', 'нло'],
    fa: [
      'سفینه', 'فضاپیما', 'سفینه فضایی', 'فضایی', 'فضا', 'ربات', 'روبات', 'آدم آهنی', 'اندروید', 'سایبورگ',
      'بیگانه', 'آدم فضایی', 'موجود فضایی', 'کهکشان', 'سیاره', 'فضانورد', 'لیزر', 'آینده', 'آینده نگر',
      'آینده نگرانه', 'فوتوریستی', 'هولوگرام', 'موشک', 'سحابی', 'علمی تخیلی', 'بشقاب پرنده', 'ماهواره', 'سایبرپانک',
      'مریخ', 'مریخی', 'ایستگاه فضایی',
    ],
  },
  nature: {
    en: [
      'forest', 'tree', 'mountain', 'river', 'lake', 'ocean', 'sea', 'beach', 'sunset', 'sunrise', 'waterfall',
      'flower', 'meadow', 'desert', 'valley', 'sky', 'cloud', 'landscape', 'garden', 'field', 'snow', 'rain', 'storm',
      'jungle', 'canyon', 'island', 'glacier', 'aurora', 'northern lights', 'nature', 'leaf', 'grass', 'hill', 'moon',
      'volcano', 'coast', 'wave', 'woods', 'autumn', 'winter',
    ],
    ru: [
      'лес', 'лесн', 'дерев', 'гор', 'горн', 'рек', 'озер', 'океан', 'море', 'моря', 'морем', 'морю', 'морях',
      'морск', 'пляж', 'закат', 'рассвет', 'водопад', 'цветок', 'цветочн', 'луг', 'пустын', 'долин', 'неб', 'облак',
      'пейзаж', 'сад', 'снег', 'снежн', 'дожд', 'гроз', 'джунгл', 'каньон', 'остров', 'ледник', 'сияни', 'природ',
      'трав', 'холм', 'лун', 'вулкан', 'побережь', 'волн', 'осенн', 'зим', 'зимн',
    ],
    ruWords: ['цветы', 'цветов', 'цветами', 'цветах', 'осень', 'осенью'],
    fa: [
      'جنگل', 'درخت', 'کوه', 'کوهستان', 'رود', 'رودخانه', 'دریاچه', 'اقیانوس', 'دریا', 'ساحل', 'غروب', 'طلوع',
      'آبشار', 'گل', 'چمنزار', 'بیابان', 'کویر', 'دره', 'آسمان', 'ابر', 'منظره', 'باغ', 'مزرعه', 'برف', 'باران',
      'طوفان', 'جزیره', 'یخچال طبیعی', 'شفق قطبی', 'طبیعت', 'برگ', 'چمن', 'تپه', 'ماه', 'آتشفشان', 'موج', 'پاییز',
      'زمستان', 'بهار',
    ],
  },
  portrait: {
    en: [
      'portrait', 'face', 'woman', 'women', 'man', 'men', 'girl', 'boy', 'person', 'people', 'selfie', 'headshot',
      'child', 'children', 'kid', 'smile', 'eyes', 'lady', 'gentleman', 'grandmother', 'grandma', 'grandfather',
      'grandpa', 'model', 'actor', 'actress', 'businessman', 'businesswoman', 'bride', 'groom', 'family', 'couple',
      'teenager', 'king', 'queen', 'princess', 'prince', 'beard', 'freckles', 'close up', 'baby',
    ],
    ru: [
      'портрет', 'автопортрет', 'лиц', 'девушк', 'женщин', 'мужчин', 'парн', 'мальчик', 'девочк', 'ребенк', 'дет',
      'человек', 'люд', 'селфи', 'улыбк', 'глаз', 'бабушк', 'дедушк', 'старик', 'старушк', 'модел', 'актер', 'актрис',
      'невест', 'жених', 'корол', 'королев', 'принцесс', 'принц', 'бород', 'веснушк',
    ],
    ruWords: ['парень', 'ребенок', 'семья', 'семьи', 'семью', 'семьей', 'король'],
    fa: [
      'پرتره', 'چهره', 'صورت', 'زن', 'مرد', 'دختر', 'پسر', 'کودک', 'بچه', 'آدم', 'انسان', 'مردم', 'سلفی', 'لبخند',
      'چشم', 'مادربزرگ', 'پدربزرگ', 'مدل', 'بازیگر', 'عروس', 'داماد', 'خانواده', 'زوج', 'نوجوان', 'پیرمرد', 'پیرزن',
      'شخص', 'خانم', 'آقا', 'شاه', 'ملکه', 'شاهزاده', 'پرنسس', 'ریش',
    ],
  },
  animals: {
    en: [
      'cat', 'dog', 'kitten', 'kitty', 'puppy', 'horse', 'bird', 'fish', 'lion', 'tiger', 'bear', 'wolf', 'fox',
      'rabbit', 'bunny', 'owl', 'eagle', 'elephant', 'giraffe', 'monkey', 'panda', 'deer', 'butterfly', 'dolphin',
      'whale', 'shark', 'penguin', 'parrot', 'squirrel', 'cow', 'pig', 'sheep', 'duck', 'frog', 'turtle', 'snake',
      'hamster', 'raccoon', 'koala', 'animal', 'pet', 'wildlife', 'zebra', 'mouse', 'mice', 'hedgehog', 'cheetah',
      'leopard', 'corgi',
    ],
    ru: [
      'кот', 'кошк', 'котик', 'котенк', 'котят', 'собак', 'собачк', 'щенк', 'щенят', 'лошад', 'птиц', 'рыб', 'рыбк',
      'львиц', 'тигр', 'тигриц', 'медвед', 'волк', 'лис', 'лисиц', 'зайц', 'кролик', 'сов', 'орл', 'слон', 'жираф',
      'обезьян', 'панд', 'олен', 'бабочк', 'дельфин', 'кит', 'акул', 'пингвин', 'попуга', 'белк', 'коров', 'свин',
      'овц', 'утк', 'лягушк', 'черепах', 'хомяк', 'енот', 'коал', 'животн', 'питомц', 'зебр', 'ежик', 'мыш', 'гепард',
      'леопард', 'корги',
    ],
    ruWords: [
      'кошек', 'котенок', 'пес', 'пса', 'псу', 'псом', 'псы', 'псов', 'щенок', 'конь', 'коня', 'коню', 'конем', 'кони',
      'коней', 'лев', 'льва', 'льву', 'львом', 'львы', 'львов', 'заяц', 'орел', 'овец', 'уток', 'змея', 'змеи', 'змей',
      'змею', 'змеей', 'питомец', 'еж', 'ежа', 'ежи',
    ],
    fa: [
      'گربه', 'بچه گربه', 'سگ', 'توله سگ', 'اسب', 'پرنده', 'ماهی', 'شیر', 'ببر', 'خرس', 'گرگ', 'روباه', 'خرگوش',
      'جغد', 'عقاب', 'فیل', 'زرافه', 'میمون', 'پاندا', 'گوزن', 'آهو', 'پروانه', 'دلفین', 'نهنگ', 'کوسه', 'پنگوئن',
      'طوطی', 'سنجاب', 'گاو', 'گوسفند', 'اردک', 'قورباغه', 'لاک پشت', 'لاکپشت', 'مار', 'همستر', 'حیوان', 'حیوانات',
      'جانور', 'جوجه تیغی',
    ],
  },
  food: {
    en: [
      'pizza', 'burger', 'hamburger', 'sushi', 'cake', 'bread', 'coffee', 'tea', 'pasta', 'salad', 'soup', 'fruit',
      'apple', 'strawberry', 'chocolate', 'cookie', 'breakfast', 'dinner', 'lunch', 'dessert', 'meal', 'food',
      'cheese', 'steak', 'noodle', 'ramen', 'croissant', 'pancake', 'ice cream', 'cupcake', 'donut', 'doughnut',
      'sandwich', 'taco', 'dumpling', 'kebab', 'rice', 'cuisine', 'banana', 'berry', 'lemon', 'bakery', 'hot dog',
      'burrito', 'pie', 'cocktail',
    ],
    ru: [
      'пицц', 'бургер', 'гамбургер', 'суши', 'торт', 'хлеб', 'кофе', 'паст', 'салат', 'суп', 'фрукт', 'яблок',
      'клубник', 'шоколад', 'завтрак', 'ужин', 'обед', 'десерт', 'сыр', 'стейк', 'лапш', 'рамен', 'круассан',
      'блинчик', 'морожен', 'кекс', 'пончик', 'бутерброд', 'пельмен', 'шашлык', 'кухн', 'блюд', 'вкусн', 'ягод',
      'лимон', 'выпечк', 'пирог', 'пирожк', 'пирожн', 'борщ', 'банан', 'коктейл',
    ],
    ruWords: [
      'чай', 'чая', 'чаю', 'чаем', 'еда', 'еды', 'еду', 'едой', 'печенье', 'печенья', 'блины', 'блинов', 'пирожок',
      'рис', 'риса', 'рису', 'рисом', 'рисе',
    ],
    fa: [
      'پیتزا', 'همبرگر', 'برگر', 'سوشی', 'کیک', 'نان', 'قهوه', 'چای', 'پاستا', 'ماکارونی', 'سالاد', 'سوپ', 'میوه',
      'سیب', 'توت فرنگی', 'شکلات', 'کلوچه', 'صبحانه', 'شام', 'ناهار', 'دسر', 'غذا', 'پنیر', 'استیک', 'نودل',
      'بستنی', 'کباب', 'برنج', 'آش', 'خورش', 'خورشت', 'قورمه سبزی', 'شیرینی', 'ساندویچ', 'فلافل', 'لیمو', 'موز',
      'انگور', 'آشپزی', 'پلو', 'چلو',
    ],
  },
  architecture: {
    en: [
      'building', 'house', 'castle', 'tower', 'bridge', 'cathedral', 'church', 'temple', 'mosque', 'palace',
      'skyscraper', 'city', 'cityscape', 'street', 'architecture', 'architectural', 'interior', 'room', 'facade',
      'skyline', 'ruin', 'monument', 'villa', 'cabin', 'cottage', 'apartment', 'office', 'library', 'staircase',
      'arch', 'dome', 'lighthouse', 'town', 'village', 'downtown', 'museum', 'mansion', 'fortress', 'pagoda', 'alley',
    ],
    ru: [
      'здани', 'дом', 'домик', 'замок', 'замк', 'башн', 'мост', 'собор', 'церкв', 'храм', 'мечет', 'дворц',
      'небоскреб', 'город', 'городск', 'улиц', 'архитектур', 'интерьер', 'комнат', 'фасад', 'руин', 'памятник',
      'вилл', 'хижин', 'коттедж', 'квартир', 'офис', 'библиотек', 'лестниц', 'арк', 'купол', 'маяк', 'деревн',
      'поселк', 'музе', 'кремл', 'усадьб', 'крепост', 'особняк', 'пагод', 'переулк',
    ],
    ruWords: ['церковь', 'дворец', 'поселок', 'переулок'],
    fa: [
      'ساختمان', 'خانه', 'قلعه', 'برج', 'پل', 'کلیسا', 'معبد', 'مسجد', 'کاخ', 'آسمان خراش', 'آسمانخراش', 'شهر',
      'خیابان', 'معماری', 'اتاق', 'ویرانه', 'بنای یادبود', 'بنا', 'ویلا', 'کلبه', 'آپارتمان', 'کتابخانه',
      'پلکان', 'گنبد', 'فانوس دریایی', 'روستا', 'موزه', 'بازار', 'ایوان', 'مناره', 'عمارت', 'دژ', 'کوچه',
    ],
  },
  abstract: {
    en: [
      'abstract', 'abstraction', 'pattern', 'geometric', 'geometry', 'fractal', 'shape', 'texture', 'gradient', 'swirl',
      'kaleidoscope', 'surreal', 'surrealism', 'psychedelic', 'spiral', 'mandala', 'cubism', 'symmetry',
      'symmetrical', 'polygon', 'circle', 'triangle', 'ornament', 'splatter', 'splash', 'nonfigurative', 'lines',
      'generative', 'glitch', 'tessellation', 'optical illusion',
    ],
    ru: [
      'абстракци', 'абстрактн', 'узор', 'геометрическ', 'геометри', 'фрактал', 'текстур', 'градиент', 'завитк',
      'калейдоскоп', 'сюрреалистичн', 'сюрреалистическ', 'сюрреализм', 'психоделическ', 'психодели', 'спирал',
      'мандал', 'кубизм', 'симметри', 'симметричн', 'многоугольник', 'круг', 'треугольник', 'орнамент', 'клякс',
      'брызг', 'лини', 'хаос', 'глитч', 'паттерн',
    ],
    ruWords: ['завиток'],
    fa: [
      'انتزاعی', 'آبستره', 'الگو', 'هندسی', 'هندسه', 'فراکتال', 'شکل', 'اشکال', 'بافت', 'گرادیان', 'کالیدوسکوپ',
      'سورئال', 'سورئالیستی', 'سورئالیسم', 'روانگردان', 'سایکدلیک', 'مارپیچ', 'ماندالا', 'کوبیسم', 'تقارن', 'متقارن',
      'چندضلعی', 'دایره', 'مثلث', 'نقش و نگار', 'اسلیمی', 'خطوط', 'لکه', 'آشوب', 'گلیچ',
    ],
  },
};
