//! The first steps every function-attribute macro (`main`, `task`, `test`)
//! takes: size limits, options, and parsing the function.

use proc_macro2::TokenStream;

use crate::diag::Errors;
use crate::item_fn::FnItem;
use crate::limits;
use crate::options::{self, OptionSpec, Options};

/// A function-attribute invocation that parsed far enough to check.
pub struct FnMacro {
    /// Errors found so far (the options may have some); keep collecting.
    pub errors: Errors,
    /// The options, with unknown or repeated ones already reported.
    pub options: Options,
    /// The function the attribute is on.
    pub func: FnItem,
}

/// Parses `#[macro_name(attr)] item`. When the function itself cannot be
/// parsed, returns `Err` with the final output: the item unchanged (so
/// rust-analyzer keeps working) plus the errors.
pub fn parse(
    macro_name: &str,
    specs: &[OptionSpec],
    expected: &str,
    attr: TokenStream,
    item: TokenStream,
) -> Result<FnMacro, TokenStream> {
    let mut errors = Errors::new();
    if !limits::check(&attr, "these options", macro_name, &mut errors)
        || !limits::check(
            &limits::without_body(&item),
            "this signature",
            macro_name,
            &mut errors,
        )
    {
        return Err(with_errors(item, &errors));
    }
    let options = options::parse_options(macro_name, attr, specs, &mut errors);
    match FnItem::parse(item.clone(), macro_name, expected) {
        Ok(func) => Ok(FnMacro {
            errors,
            options,
            func,
        }),
        Err(error) => {
            errors.push(error);
            Err(with_errors(item, &errors))
        }
    }
}

/// `item` followed by a `compile_error!` per error.
pub fn with_errors(mut item: TokenStream, errors: &Errors) -> TokenStream {
    item.extend(errors.to_compile_errors());
    item
}
