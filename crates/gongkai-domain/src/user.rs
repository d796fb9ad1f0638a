//! Staff accounts: usernames and password policy.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("用户名“{0}”无效：只能使用英文字母、数字、点、下划线和连字符，长度3至32个字符")]
    InvalidUsername(String),
    #[error("姓名不能为空，且不超过50个字符")]
    InvalidDisplayName,
    #[error("密码至少需要10个字符")]
    PasswordTooShort,
    #[error("密码不能超过128个字符")]
    PasswordTooLong,
    #[error("密码不能与用户名相同")]
    PasswordIsUsername,
}

pub fn validate_username(username: &str) -> Result<(), UserError> {
    let ok = (3..=32).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(UserError::InvalidUsername(username.to_string()))
    }
}

pub fn validate_display_name(name: &str) -> Result<(), UserError> {
    let n = name.trim().chars().count();
    if n == 0 || n > 50 {
        Err(UserError::InvalidDisplayName)
    } else {
        Ok(())
    }
}

pub fn validate_password(username: &str, password: &str) -> Result<(), UserError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(UserError::PasswordTooShort);
    }
    if n > 128 {
        return Err(UserError::PasswordTooLong);
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(UserError::PasswordIsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(validate_username("gulou.admin").is_ok());
        assert!(validate_username("ab").is_err());
        assert!(validate_username("张三").is_err());
        assert!(validate_username("a b c").is_err());
    }

    #[test]
    fn passwords() {
        assert_eq!(
            validate_password("u", "short"),
            Err(UserError::PasswordTooShort)
        );
        assert!(validate_password("u", "长长的中文密码也可以用的").is_ok());
        assert_eq!(
            validate_password("administrator", "Administrator"),
            Err(UserError::PasswordIsUsername)
        );
    }
}
