export { Badge, StatusBadge, type BadgeTone } from "./Badge";
export { Button } from "./Button";
export { Checkbox, SelectField, TextAreaField, TextField, type Option } from "./Field";
export { ErrorNotice, Loading, Notice } from "./Notice";
export { Pager } from "./Pager";
export { SortHeader, type Sort, type SortDirection } from "./SortHeader";
export { PageHeader } from "./PageHeader";
