//! serde's `rename_all` rules, reproduced exactly so that schema names match serde's output.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    pub fn from_str(s: &str) -> Option<Self> {
        Some(match s {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// Renames a variant, written in PascalCase in Rust (serde's `apply_to_variant`).
    pub fn apply_to_variant(self, variant: &str) -> String {
        match self {
            RenameRule::Pascal => variant.to_owned(),
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Camel => variant[..1].to_ascii_lowercase() + &variant[1..],
            RenameRule::Snake => {
                let mut snake = String::new();
                for (i, ch) in variant.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_lowercase());
                }
                snake
            }
            RenameRule::ScreamingSnake => RenameRule::Snake
                .apply_to_variant(variant)
                .to_ascii_uppercase(),
            RenameRule::Kebab => RenameRule::Snake
                .apply_to_variant(variant)
                .replace('_', "-"),
            RenameRule::ScreamingKebab => RenameRule::ScreamingSnake
                .apply_to_variant(variant)
                .replace('_', "-"),
        }
    }

    /// Renames a field, written in snake_case in Rust (serde's `apply_to_field`).
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            RenameRule::Camel => {
                let pascal = RenameRule::Pascal.apply_to_field(field);
                pascal[..1].to_ascii_lowercase() + &pascal[1..]
            }
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => RenameRule::ScreamingSnake
                .apply_to_field(field)
                .replace('_', "-"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_like_serde() {
        let cases = [
            (
                "order_status_callback_url",
                RenameRule::Camel,
                "orderStatusCallbackUrl",
            ),
            ("order_status", RenameRule::Pascal, "OrderStatus"),
            ("order_status", RenameRule::Kebab, "order-status"),
            ("order_status", RenameRule::ScreamingKebab, "ORDER-STATUS"),
            ("order_status", RenameRule::ScreamingSnake, "ORDER_STATUS"),
            ("order_status", RenameRule::Upper, "ORDER_STATUS"),
            ("order_status", RenameRule::Lower, "order_status"),
        ];
        for (field, rule, expected) in cases {
            assert_eq!(rule.apply_to_field(field), expected, "{rule:?}");
        }
    }

    #[test]
    fn variants_like_serde() {
        let cases = [
            ("PickedUp", RenameRule::Snake, "picked_up"),
            ("PickedUp", RenameRule::ScreamingSnake, "PICKED_UP"),
            ("PickedUp", RenameRule::Camel, "pickedUp"),
            ("PickedUp", RenameRule::Kebab, "picked-up"),
            ("PickedUp", RenameRule::Lower, "pickedup"),
            ("PickedUp", RenameRule::Upper, "PICKEDUP"),
        ];
        for (variant, rule, expected) in cases {
            assert_eq!(rule.apply_to_variant(variant), expected, "{rule:?}");
        }
    }
}
