use super::check;

#[test]
fn accepts_ecma_262_patterns() {
    for p in [
        r"^[0-9]{12}$",
        r"^\d{3}-\d{4}$",
        r"^(?:[a-z]+|[A-Z]+)*$",
        r"^[^\]]+$",
        r"a{2,}",
        r"x*?",
        r"[]",
        r"[^]",
        r"^[a-zA-Z0-9._\-]+@[a-z]+\.[a-z]{2,}$",
        r"\p{L}+\P{Script=Greek}",
        r"(?<year>\d{4})-\k<year>",
        r"(?<a>x)|(?<a>y)",
        r"(a)(b)\2\1",
        r"(?<=\$)\d+(?!\.)",
        r"(?i:abc)(?-s:.)(?m-i:^x)",
        r"\u{1F600}[\uD83D\uDE00-\uD83D\uDE4F]\x41\cJ\0",
        r"[\w-][-a][a-b-c][\b\-]",
        r"\/\.\*",
        r"|",
        r"()",
        r"\b\B",
        r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$",
    ] {
        assert_eq!(check(p), Ok(()), "{p}");
    }
}

#[test]
fn refuses_what_ecma_262_refuses() {
    for p in [
        r"(abc",
        r"abc)",
        r"[abc",
        r"*abc",
        r"abc\",
        r"a{3,1}",
        r"a|+",
        r"{literal}",
        r"a]",
        r"a}",
        r"(?i)abc",
        r"(?P<n>x)",
        r"a*+",
        r"a{2}{3}",
        r"\A",
        r"\_",
        r"\-",
        r"[\d-z]",
        r"[z-a]",
        r"[[:alpha:]]",
        r"\1",
        r"(a)\2",
        r"\k<n>",
        r"(?<n>x)(?<n>y)",
        r"(?=a)*",
        r"(?<=a)+",
        r"^*",
        r"\b+",
        r"\00",
        r"\c1",
        r"\x4",
        r"\u12",
        r"\u{110000}",
        r"\p",
        r"\p{}",
        r"[\B]",
        r"[\1]",
        r"(?<1a>x)",
        r"(?-:x)",
        r"(?ii:x)",
        r"(?#c)",
    ] {
        assert!(check(p).is_err(), "{p}");
    }
}

#[test]
fn messages_say_what_to_write() {
    let (Err(flags), Err(escape), Err(group)) = (
        check("(?i)abc"),
        check(r"^\d{3}\-\d{4}$"),
        check("^(0-9]{12}$"),
    ) else {
        panic!("all three are refused");
    };
    assert!(flags.contains("`(?i:...)`"), "{flags}");
    assert!(escape.contains("write `-`"), "{escape}");
    assert_eq!(group, "1 group(s) opened with `(` are never closed");
}
