//! Until the core's template engine is wired in, every template is rendered
//! by Python (`python_only`), which is exact by definition; only `usesTime`
//! is answered here, by the standard library's substring search.
#![allow(dead_code)]
pub mod format {
    #[derive(Clone, Copy)]
    pub enum Style {
        Percent,
        Brace,
        Dollar,
    }
    pub enum FieldKey {
        Name,
        Msg,
        Args,
        LevelName,
        LevelNo,
        PathName,
        FileName,
        Module,
        ExcInfo,
        ExcText,
        StackInfo,
        LineNo,
        FuncName,
        Created,
        Msecs,
        RelativeCreated,
        Thread,
        ThreadName,
        ProcessName,
        Process,
        TaskName,
        Message,
        AscTime,
        Other(Box<str>),
    }
    impl FieldKey {
        pub fn name(&self) -> &str {
            ""
        }
    }
    pub enum FieldValue<'a> {
        Str(&'a str),
        Int(i64),
        Float(f64),
        Bool(bool),
        None,
        Foreign,
    }
    pub enum RenderError {
        MissingField(String),
    }
    pub struct ConversionSpec;
    pub struct TemplateError;
    impl std::fmt::Display for TemplateError {
        fn fmt(&self, _formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Ok(())
        }
    }
    pub trait FieldSource {
        fn value(&mut self, key: &FieldKey) -> Result<FieldValue<'_>, RenderError>;
        fn format_foreign(
            &mut self,
            key: &FieldKey,
            spec: &ConversionSpec,
            out: &mut String,
        ) -> Result<(), RenderError>;
    }
    pub struct Template {
        source: String,
        style: Style,
    }
    impl Template {
        pub fn compile(source: &str, style: Style) -> Template {
            Template {
                source: source.to_owned(),
                style,
            }
        }
        pub fn validate(&self) -> Result<(), TemplateError> {
            Ok(())
        }
        pub fn uses_time(&self) -> bool {
            let needle = match self.style {
                Style::Percent => "%(asctime)",
                Style::Brace => "{asctime",
                Style::Dollar => "${asctime}",
            };
            self.source.contains(needle)
        }
        pub fn python_only(&self) -> bool {
            true
        }
        pub fn source(&self) -> &str {
            &self.source
        }
        pub fn render(
            &self,
            _source: &mut dyn FieldSource,
            _out: &mut String,
        ) -> Result<(), RenderError> {
            Err(RenderError::MissingField(String::new()))
        }
    }
}
