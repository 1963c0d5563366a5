#![allow(dead_code, unused_variables)]
pub mod time {
    #[derive(Clone, Copy)]
    pub enum PythonVersion {
        V3_11,
        V3_12,
        V3_13,
    }
    #[derive(Clone, Copy)]
    pub struct RecordTimes {
        pub created: f64,
        pub msecs: f64,
        pub relative_created: f64,
    }
    pub fn now_ns() -> i64 {
        0
    }
    pub fn record_times(a: i64, b: i64, v: PythonVersion) -> RecordTimes {
        todo!()
    }
    pub struct CalendarTime;
    pub fn localtime(s: i64) -> Result<CalendarTime, String> {
        todo!()
    }
    pub fn gmtime(s: i64) -> Result<CalendarTime, String> {
        todo!()
    }
    pub fn strftime(f: &str, t: &CalendarTime) -> String {
        todo!()
    }
}
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
            todo!()
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
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            todo!()
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
    pub struct Template;
    impl Template {
        pub fn compile(f: &str, s: Style) -> Template {
            todo!()
        }
        pub fn validate(&self) -> Result<(), TemplateError> {
            todo!()
        }
        pub fn uses_time(&self) -> bool {
            todo!()
        }
        pub fn python_only(&self) -> bool {
            todo!()
        }
        pub fn source(&self) -> &str {
            todo!()
        }
        pub fn render(&self, s: &mut dyn FieldSource, o: &mut String) -> Result<(), RenderError> {
            todo!()
        }
    }
}
