// A varied string set for comparing tokenizers with their reference encoders, and a seeded random-string generator.

/** Strings that exercise the pre-tokenisation regexes and byte-level merges. */
export const VARIED_STRINGS: readonly string[] = [
  "",
  "hello world",
  "Hello, World! How are you today?",
  "   leading and trailing spaces   ",
  "tabs\tand\nnewlines\r\n\r\nand\u000bvertical\u000cfeeds",
  "many     spaces   between\n\n\n   words",
  "trailing space ",
  " ",
  "\n",
  "don't can't I'll we're they've she'd I'm IT'S DON'T We'Re",
  "numbers 1 12 123 1234 12345 3.14159 1,000,000 -42 1e-9 ٣٤٥",
  "naïve café résumé façade Ωmega Ελληνικά Русский текст",
  "combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0357\u035b",
  "中文字符和日本語のテキスト、한국어 텍스트。",
  "emoji 🎉🎉🎉 👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽 ❤️",
  "code: const f = (x: number) => { return x ** 2; } // comment\n\tif (a && b || !c) {}",
  "def f(self, *args, **kwargs):\n    return [x for x in args if x % 2 == 0]\n",
  "URL https://example.com/path/to/page?query=1&b=%20x#frag and mail me@example.org",
  "<html><body class=\"main\">&nbsp;&amp;</body></html>",
  "a".repeat(300),
  "supercalifragilisticexpialidocious" + "x".repeat(100) + "antidisestablishmentarianism",
  "😀".repeat(40),
  "lone surrogates: \ud800 and \udfff and \ud83d",
  "mixed\u00a0nbsp\u2003em-space\u3000ideographic space",
  "$$$ @@@ ### ... --- ___ *** ??? !!!",
  "'s 's's ''' 'll'",
  "C++ C# F# .NET Node.js\t\tend",
  "العربية עברית हिन्दी ไทย",
  "\u200b\u200c\u200d\ufeff zero widths",
  "x\r\ny\rz",
];

/** A seeded random string (mulberry32) drawn from ASCII, Latin, CJK, emoji, combining marks, whitespace and surrogates. */
export const randomString = (seed: number, length: number): string => {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pools = [
    " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    " \t\n\r   ",
    "'\".,;:!?-_()[]{}<>/\\|@#$%^&*+=~`",
    "éèçñüößøåæœ",
    "中文日本語한국어",
    "\u0301\u0308\u0303",
    "🎉😀👍🏽❤️",
  ];
  let s = "";
  for (let i = 0; i < length; i++) {
    const pool = Array.from(pools[Math.floor(rand() * pools.length)]!);
    s += pool[Math.floor(rand() * pool.length)]!;
    if (rand() < 0.2) s += "'s";
  }
  return s;
};

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, which the TS lib lacks). */
export const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, "\ufffd");

/** Whether the string has no lone surrogates. */
export const isWellFormed = (s: string): boolean => !new RegExp(LONE_SURROGATE.source).test(s);
