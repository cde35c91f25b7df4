package audit

// The actions the application records. Other dotted lower-case names are accepted, so that a
// new kind of event does not need a change here first; prefer adding it here.
const (
	LoginSuccess   = "login.success"
	LoginFailure   = "login.failure"
	LoginThrottled = "login.throttled"
	Logout         = "logout"

	Question = "question"  // a question asked to the assistant
	ToolCall = "tool.call" // one tool call, with its arguments and rows
	SQLRun   = "sql.run"   // one SQL statement run (free SQL or compiled), with its rows
	Export   = "export"    // a table or answer exported (CSV, XLSX, PDF)
	Upload   = "upload"    // a file uploaded

	// AnswerBlocked: a model's text was screened out (it asked for personal data or
	// credentials, or showed personal data to a role that may not see it).
	AnswerBlocked = "answer.blocked"

	UserCreate   = "user.create"
	UserDisable  = "user.disable"
	UserEnable   = "user.enable"
	UserRole     = "user.role"
	UserPassword = "user.password"
	TokenCreate  = "token.create"
	TokenRevoke  = "token.revoke"

	DocumentAdd    = "document.add"
	DocumentChange = "document.change"
	DocumentRemove = "document.remove"
	SettingChange  = "setting.change"
)
