# bash completion for xenlab: verbs, each verb's options, run ids (xenlab
# runs) and base names (xenlab base list). Installed by the xenlab package.
_xenlab() {
    local cur prev verb words
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    verb=${COMP_WORDS[1]}
    if [ "$COMP_CWORD" = 1 ]; then
        words=$(xenlab --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && NF { print $1 }')
        COMPREPLY=($(compgen -W "$words --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --resume) words=$(xenlab runs --json 2>/dev/null | grep -o '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/') ;;
        --base) words=$(xenlab base list 2>/dev/null | awk '{ print $1 }') ;;
        --backend) words="libxl libvirt xapi" ;;
        --format) words="md csv json pts html junit" ;;
        --output|--run-dir|--clone-dir|--payload-dir|--template|--journal|--dir|--payload|--config|--hosts)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [ -z "${words:-}" ]; then
        case $cur in
            -*) words=$(xenlab "$verb" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u) ;;
            *)
                case $verb in
                    report|journal|clean|compare|status|results|cancel) words=$(xenlab runs --json 2>/dev/null | grep -o '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/') ;;
                    clone) words=$(xenlab base list 2>/dev/null | awk '{ print $1 }') ;;
                    base) [ "$COMP_CWORD" = 2 ] && words="add build list prepare" ;;
                    spec) [ "$COMP_CWORD" = 2 ] && words="check plan --json" ;;
                esac
                COMPREPLY=($(compgen -W "${words:-}" -- "$cur") $(compgen -f -- "$cur"))
                return ;;
        esac
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _xenlab xenlab
